// A deliberately faulty plugin for tests. Its behaviour is chosen per case by
// the payload field "behaviour":
//   validate:    "reject"   → one problem at /behaviour
//   on_accepted: "throw"    → throws;  "fail" → answers an error;  "crash" → aborts
//                "retry"    → answers retry (after payload "after_seconds", else the hub's
//                             backoff) the first payload "retries" (default 3) times this plugin
//                             instance runs it for the case, then acts as "remember"
//                "retry_forever" → always answers retry
//                "remember" → stores state and sets a timer due in one hour
//                "follow_up"→ raises a test.followup case for the same compound
//                "addressed"→ raises a test.followup to test.stranger, copy to the compound's subdistrict
//                "custody"  → from payload "effective_in_hours" on (default 0), the compound has no
//                             company and its sub-district holds custody
//                test.enriched cases: attaches {"checked_by", "compound"} unless the behaviour fails
//   validate_reply: a final reply with outcome "refused" needs /reason
//   on_reply:    stores the reply body under "last_reply"
//   on_timer:    stores the timer's name under "fired"
#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>

#include "hub/plugin.h"

namespace {

class FaultyPlugin : public hub::Plugin {
 public:
  hub::PluginInfo info() const override {
    return {"test_faulty", "1.0", "misbehaves on request, for tests",
            {{"note", hub::SettingType::kString, "", false, "ignored"}}, true};
  }
  hub::Status configure(const hub::Json&) override { return {}; }
  std::vector<hub::CaseTypeDecl> case_types() const override {
    return {{"test.faulty", "故障测试", "4h", "2wd", {}},
            {"test.followup", "后续测试", "4h", "2wd", {}},
            {"test.enriched", "附件测试", "4h", "2wd", {{"/behaviour", hub::FieldType::kString, false, "what to do"}}, true},
            {"test.routed", "路由测试", "4h", "2wd", {}}};
  }
  hub::Problems validate_reply(const std::string&, const hub::ReplyView& r) const override {
    if (r.final && r.outcome == "refused" && !hub::find_string(r.body, "/reason"))
      return {{"/reason", "a refusal needs a reason"}};
    return {};
  }
  hub::Problems validate(const hub::CaseView& c) const override {
    if (!c.payload.is_object()) return {{"", "must be an object"}};
    if (c.payload.value("behaviour", "") == "reject") return {{"/behaviour", "asked to reject"}};
    return {};
  }
  hub::HookResult on_accepted(hub::HookContext& ctx, const hub::CaseView& c) override {
    const std::string behaviour = c.payload.value("behaviour", "");
    if (behaviour == "throw") throw std::runtime_error("faulty plugin throws as asked");
    if (behaviour == "fail") return hub::HookResult::Error("faulty plugin fails as asked");
    if (behaviour == "crash") std::abort();
    if (behaviour == "retry_forever") return hub::HookResult::Retry("faulty plugin waits for ever as asked");
    if (behaviour == "retry") {
      if (const int n = count_retry(c.id); n <= c.payload.value("retries", 3)) {
        std::optional<std::chrono::milliseconds> after;
        if (c.payload.contains("after_seconds")) after = std::chrono::seconds(c.payload.value("after_seconds", 0));
        return hub::HookResult::Retry("faulty plugin asks to retry as asked (" + std::to_string(n) + ")", after);
      }
    }
    if (behaviour == "remember" || behaviour == "retry") {
      int seen = ctx.load("seen").value_or(0).get<int>();
      ctx.store("seen", seen + 1);
      ctx.store_global("cases_remembered", ctx.load_global("cases_remembered").value_or(0).get<int>() + 1);
      ctx.set_timer("check", ctx.now() + std::chrono::hours(1), {{"why", "test"}});
    }
    if (behaviour == "follow_up") ctx.raise_case("test.followup", "first", c.compound, {{"parent", c.id}});
    if (behaviour == "addressed")
      ctx.raise({"test.followup", "addressed", c.compound, {{"parent", c.id}}, {"test.stranger"},
                 {ctx.resolve_role(c.compound, "subdistrict")}});
    if (behaviour == "custody") {
      const auto from = ctx.now() + std::chrono::hours(c.payload.value("effective_in_hours", 0));
      ctx.change_directory(c.compound, "company", "", from);
      ctx.change_directory(c.compound, "custodian", ctx.resolve_role(c.compound, "subdistrict"), from);
    }
    if (c.type == "test.enriched")
      ctx.attach("checked_by", "test_faulty"), ctx.attach("compound", ctx.compound_info(c.compound).value_or(nullptr));
    return {};
  }
  hub::HookResult on_reply(hub::HookContext& ctx, const hub::CaseView&, const hub::ReplyView& r) override {
    ctx.store("last_reply", r.body);
    return {};
  }
  hub::HookResult on_timer(hub::HookContext& ctx, const hub::CaseView&, const hub::TimerView& t) override {
    ctx.store("fired", t.name);
    return {};
  }

 private:
  // How many times on_accepted ran for the case with "retry", this one included.
  int count_retry(hub::CaseId id) {
    std::lock_guard lock(mu_);
    return ++runs_[id];
  }

  std::mutex mu_;
  std::map<hub::CaseId, int> runs_;  // GUARDED_BY(mu_)
};

}  // namespace

HUB_DECLARE_PLUGIN(FaultyPlugin)
