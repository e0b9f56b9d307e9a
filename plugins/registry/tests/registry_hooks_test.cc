// The registry plugin's hooks on an in-memory HookContext: the answer timer,
// the settlement reminder for an answer, "no answer" when the time is up, and
// the late answer as an update. Time is ctx.clock; nothing sleeps.
#include <catch2/catch.hpp>

#include <chrono>

#include "recording_context.h"
#include "registry_plugin.h"

using hub::Json;
using hub::plugin_testing::RecordingContext;
using namespace hub::registry;
using namespace std::chrono_literals;

namespace {

// 2026-11-29 10:00:00 in the hub's time zone (UTC+8).
const hub::TimePoint kStart = std::chrono::sys_days{std::chrono::year{2026} / 11 / 29} + 2h;

struct Fixture {
  RegistryPlugin plugin;
  RecordingContext ctx;
  hub::CaseView check{41, std::string(kFeeCheck), "registry", "REG-1", "jinxiu",
                      {{"dwelling", "3-2-501"}, {"seller", "张三"}, {"buyer", "李四"}, {"application_id", "BDC-2026-0001"}}};

  explicit Fixture(long long timeout_seconds = 120) {
    REQUIRE(plugin.configure({{"answer_timeout_seconds", timeout_seconds}}).ok());
    Json jinxiu = hub::plugin_testing::compound_entry("jinxiu", "A", "pm.jinxiu", "sd.xinzhou", "community.jianshe");
    jinxiu["name"] = "锦绣花园";
    ctx.compounds["jinxiu"] = jinxiu;
    ctx.current_case = check.id;
    ctx.clock = kStart;
  }

  // Runs the answer timer as the hub would once it is due.
  void fire_timer() {
    auto t = ctx.timer(kAnswerTimer);
    REQUIRE(t);
    ctx.clock = t->due;
    ctx.cancel_timer(kAnswerTimer);  // the hub removes a timer when it hands it to on_timer
    REQUIRE(plugin.on_timer(ctx, check, {std::string(kAnswerTimer), t->due, t->data}).ok());
  }

  // Every reminder raised so far passes the checks the hub applies to follow-ups.
  void check_reminders_valid() {
    for (const auto& f : ctx.raised) {
      INFO(f.payload.dump());
      CHECK(plugin.validate({0, f.type, "plugin:registry", "x", f.compound, f.payload}).empty());
    }
  }
};

hub::ReplyView arrears_reply(std::int64_t id = 7) {
  return {id, 3, "pm.jinxiu", true, "arrears",
          {{"amount_yuan", 1260.5}, {"period", {{"from", "2024-07"}, {"to", "2025-06"}}}, {"note", "已通知业主"}}};
}

hub::ReplyView settled_reply(std::int64_t id = 8) { return {id, 3, "pm.jinxiu", true, "settled", Json::object()}; }

}  // namespace

TEST_CASE("settings: answer_timeout_seconds must be a positive number of seconds", "[registry][hooks]") {
  RegistryPlugin plugin;
  CHECK(plugin.configure(Json::object()).ok());  // default
  for (const Json& bad : {Json(0), Json(-5), Json(86401), Json("soon"), Json(1.5)}) {
    INFO(bad.dump());
    auto s = plugin.configure({{"answer_timeout_seconds", bad}});
    REQUIRE_FALSE(s.ok());
    CHECK(s.code() == hub::StatusCode::kInvalidArgument);
    CHECK_THAT(s.message(), Catch::Contains("answer_timeout_seconds"));
  }
  CHECK_THAT(plugin.configure({{"answer_timeout_seconds", 0}}).message(),
             Catch::Contains("between 1 and 86400") && Catch::Contains("got 0"));
  CHECK(plugin.configure({{"answer_timeout_seconds", 1}}).ok());
}

TEST_CASE("a fee check, once accepted, is remembered and its answer timer set", "[registry][hooks]") {
  Fixture f(90);
  REQUIRE(f.plugin.on_accepted(f.ctx, f.check).ok());
  auto t = f.ctx.timer(kAnswerTimer);
  REQUIRE(t);
  CHECK(t->due == kStart + 90s);
  CHECK(t->data == Json{{"timeout_seconds", 90}});
  auto state = f.ctx.load(kCheckState);
  REQUIRE(state);
  CHECK((*state)["status"] == "waiting");
  CHECK((*state)["asked_at"] == "2026-11-29T10:00:00+08:00");
  CHECK((*state)["answer_due"] == "2026-11-29T10:01:30+08:00");
  CHECK(f.ctx.raised.empty());

  // A reminder is a case of the plugin's too: accepting it does nothing.
  RecordingContext other;
  other.current_case = 42;
  REQUIRE(f.plugin.on_accepted(other, {42, std::string(kSettlementReminder), "plugin:registry", "41/reply/x", "jinxiu", Json::object()}).ok());
  CHECK_FALSE(other.timer(kAnswerTimer));
  CHECK_FALSE(other.load(kCheckState));
}

TEST_CASE("an answer in time becomes a settlement reminder to the asking unit, and no timeout follows", "[registry][hooks]") {
  Fixture f;
  REQUIRE(f.plugin.on_accepted(f.ctx, f.check).ok());
  f.ctx.clock = kStart + 45s;
  REQUIRE(f.plugin.on_reply(f.ctx, f.check, arrears_reply()).ok());

  REQUIRE(f.ctx.raised.size() == 1);
  const auto& r = f.ctx.raised[0];
  CHECK(r.type == "registry.settlement_reminder");
  CHECK(r.key == "answer-7");
  CHECK(r.compound == "jinxiu");
  CHECK(r.to.empty());
  CHECK(r.cc == std::vector<std::string>{"registry"});
  CHECK(r.payload["fee_check_case"] == 41);
  CHECK(r.payload["application_id"] == "BDC-2026-0001");
  CHECK(r.payload["dwelling"] == "3-2-501");
  CHECK(r.payload["compound"] == "jinxiu");
  CHECK(r.payload["compound_name"] == "锦绣花园");
  CHECK(r.payload["status"] == "arrears");
  CHECK(r.payload["amount_yuan"] == 1260.5);
  CHECK(r.payload["period"] == Json{{"from", "2024-07"}, {"to", "2025-06"}});
  CHECK(r.payload["note"] == "已通知业主");
  CHECK(r.payload["answered_by"] == "pm.jinxiu");
  CHECK(r.payload["answered_at"] == "2026-11-29T10:00:45+08:00");
  CHECK(r.payload["update"] == false);
  CHECK_FALSE(f.ctx.timer(kAnswerTimer));  // cancelled
  CHECK((*f.ctx.load(kCheckState))["status"] == "answered");
  f.check_reminders_valid();

  // Had the timer already been handed to on_timer, it still sends nothing.
  f.ctx.clock = kStart + 121s;
  REQUIRE(f.plugin.on_timer(f.ctx, f.check, {std::string(kAnswerTimer), kStart + 120s, {{"timeout_seconds", 120}}}).ok());
  CHECK(f.ctx.raised.size() == 1);
}

TEST_CASE("a settled answer gives a settled reminder without amount or period", "[registry][hooks]") {
  Fixture f;
  REQUIRE(f.plugin.on_accepted(f.ctx, f.check).ok());
  REQUIRE(f.plugin.on_reply(f.ctx, f.check, settled_reply()).ok());
  REQUIRE(f.ctx.raised.size() == 1);
  const Json& p = f.ctx.raised[0].payload;
  CHECK(p["status"] == "settled");
  CHECK_FALSE(p.contains("amount_yuan"));
  CHECK_FALSE(p.contains("period"));
  CHECK(p["message"] == "锦绣花园 3-2-501：物业费已结清。（pm.jinxiu 答复）");
  f.check_reminders_valid();
}

TEST_CASE("progress replies and replies that are no answer are ignored", "[registry][hooks]") {
  Fixture f;
  REQUIRE(f.plugin.on_accepted(f.ctx, f.check).ok());
  REQUIRE(f.plugin.on_reply(f.ctx, f.check, {5, 3, "pm.jinxiu", false, "", {{"status", "正在核实"}}}).ok());
  REQUIRE(f.plugin.on_reply(f.ctx, f.check, {6, 3, "pm.jinxiu", true, "done", Json::object()}).ok());
  CHECK(f.ctx.raised.empty());
  CHECK(f.ctx.timer(kAnswerTimer));  // still waiting
  CHECK((*f.ctx.load(kCheckState))["status"] == "waiting");

  // Replies to a reminder (a notice) are nobody's business here.
  REQUIRE(f.plugin.on_reply(f.ctx, {42, std::string(kSettlementReminder), "plugin:registry", "x", "jinxiu", Json::object()},
                            settled_reply()).ok());
  CHECK(f.ctx.raised.empty());
}

TEST_CASE("no answer in time gives a no_answer reminder, a late answer follows as an update", "[registry][hooks]") {
  Fixture f;
  REQUIRE(f.plugin.on_accepted(f.ctx, f.check).ok());
  f.fire_timer();
  REQUIRE(f.ctx.raised.size() == 1);
  const auto& n = f.ctx.raised[0];
  CHECK(n.type == "registry.settlement_reminder");
  CHECK(n.key == "no-answer");
  CHECK(n.cc == std::vector<std::string>{"registry"});
  CHECK(n.to.empty());
  CHECK(n.payload["status"] == "no_answer");
  CHECK(n.payload["timeout_seconds"] == 120);
  CHECK(n.payload["servicer"] == "pm.jinxiu");
  CHECK(n.payload["update"] == false);
  CHECK_FALSE(n.payload.contains("answered_by"));
  CHECK_THAT(n.payload["message"].get<std::string>(),
             Catch::Contains("未在规定时间内答复，请人工核实") && Catch::Contains("120 秒"));
  CHECK((*f.ctx.load(kCheckState))["status"] == "no_answer");

  // A second firing (e.g. a timer left by an older hub) sends nothing more.
  REQUIRE(f.plugin.on_timer(f.ctx, f.check, {std::string(kAnswerTimer), f.ctx.clock, {{"timeout_seconds", 120}}}).ok());
  CHECK(f.ctx.raised.size() == 1);

  f.ctx.clock = kStart + 10min;
  REQUIRE(f.plugin.on_reply(f.ctx, f.check, arrears_reply(9)).ok());
  REQUIRE(f.ctx.raised.size() == 2);
  const auto& late = f.ctx.raised[1];
  CHECK(late.key == "answer-9");
  CHECK(late.payload["status"] == "arrears");
  CHECK(late.payload["update"] == true);
  CHECK(late.payload["answered_at"] == "2026-11-29T10:10:00+08:00");
  CHECK_THAT(late.payload["message"].get<std::string>(), Catch::StartsWith("更新："));
  f.check_reminders_valid();
}

TEST_CASE("the timer keeps the timeout it was set with, whatever the settings are now", "[registry][hooks]") {
  Fixture f(30);
  REQUIRE(f.plugin.on_accepted(f.ctx, f.check).ok());
  REQUIRE(f.plugin.configure({{"answer_timeout_seconds", 300}}).ok());  // reloaded config
  f.fire_timer();
  REQUIRE(f.ctx.raised.size() == 1);
  CHECK(f.ctx.raised[0].payload["timeout_seconds"] == 30);
  CHECK(f.ctx.clock == kStart + 30s);
}

TEST_CASE("an answer taken before on_accepted ran leaves nothing to wait for", "[registry][hooks]") {
  Fixture f;
  REQUIRE(f.plugin.on_reply(f.ctx, f.check, settled_reply()).ok());
  REQUIRE(f.plugin.on_accepted(f.ctx, f.check).ok());
  CHECK_FALSE(f.ctx.timer(kAnswerTimer));
  CHECK(f.ctx.raised.size() == 1);
  CHECK(f.ctx.raised[0].payload["update"] == false);
}

TEST_CASE("a compound missing from the directory still gives a reminder, named by its id", "[registry][hooks]") {
  Fixture f;
  f.ctx.compounds.clear();
  REQUIRE(f.plugin.on_accepted(f.ctx, f.check).ok());
  f.fire_timer();
  REQUIRE(f.ctx.raised.size() == 1);
  CHECK(f.ctx.raised[0].payload["compound_name"] == "");
  CHECK_FALSE(f.ctx.raised[0].payload.contains("servicer"));
  CHECK(f.ctx.raised[0].payload["message"] == "jinxiu 3-2-501：未在规定时间内答复，请人工核实（已等待 120 秒）。");
  f.check_reminders_valid();
}
