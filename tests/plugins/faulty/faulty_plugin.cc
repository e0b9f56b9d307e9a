// A deliberately faulty plugin for tests. Its behaviour is chosen per case by
// the payload field "behaviour":
//   validate:    "reject"   → one problem at /behaviour
//   on_accepted: "throw"    → throws;  "fail" → returns an error;  "crash" → aborts
//                "remember" → stores state and sets a timer due in one hour
//                "follow_up"→ raises a test.followup case for the same compound
//   on_reply:    stores the reply body under "last_reply"
//   on_timer:    stores the timer's name under "fired"
#include <cstdlib>
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
    return {{"test.faulty", "故障测试", "4h", "2wd", {}}, {"test.followup", "后续测试", "4h", "2wd", {}}};
  }
  hub::Problems validate(const hub::CaseView& c) const override {
    if (!c.payload.is_object()) return {{"", "must be an object"}};
    if (c.payload.value("behaviour", "") == "reject") return {{"/behaviour", "asked to reject"}};
    return {};
  }
  hub::Status on_accepted(hub::HookContext& ctx, const hub::CaseView& c) override {
    const std::string behaviour = c.payload.value("behaviour", "");
    if (behaviour == "throw") throw std::runtime_error("faulty plugin throws as asked");
    if (behaviour == "fail") return hub::Status::Internal("faulty plugin fails as asked");
    if (behaviour == "crash") std::abort();
    if (behaviour == "remember") {
      int seen = ctx.load("seen").value_or(0).get<int>();
      ctx.store("seen", seen + 1);
      ctx.store_global("cases_remembered", ctx.load_global("cases_remembered").value_or(0).get<int>() + 1);
      ctx.set_timer("check", ctx.now() + std::chrono::hours(1), {{"why", "test"}});
    }
    if (behaviour == "follow_up") ctx.raise_case("test.followup", "first", c.compound, {{"parent", c.id}});
    return {};
  }
  hub::Status on_reply(hub::HookContext& ctx, const hub::CaseView&, const hub::ReplyView& r) override {
    ctx.store("last_reply", r.body);
    return {};
  }
  hub::Status on_timer(hub::HookContext& ctx, const hub::CaseView&, const hub::TimerView& t) override {
    ctx.store("fired", t.name);
    return {};
  }
};

}  // namespace

HUB_DECLARE_PLUGIN(FaultyPlugin)
