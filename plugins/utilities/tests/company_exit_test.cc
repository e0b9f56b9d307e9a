// A property company's exit and handover as hook logic, on a RecordingContext.
#include <catch2/catch.hpp>

#include <algorithm>

#include "company_exit.h"
#include "local_dates.h"
#include "plugin_test_support.h"

using hub::Json;
using hub::FollowUpCase;
using namespace utilities_test;

namespace {

constexpr hub::CaseId kExit = 700;

Json exit_payload(const std::string& successor = "") {
  Json p = {{"reason", "合同到期不再续签"}, {"exit_date", "2026-04-01"}, {"written_notice_on", "2026-02-20"}};
  if (!successor.empty()) p["successor"] = successor;
  return p;
}

hub::CaseView exit_case(const std::string& origin = "pm.jinxiu", const std::string& successor = "",
                        hub::CaseId id = kExit, const std::string& compound = "jinxiu") {
  return make_case(id, "utilities.company_exit", origin, compound, exit_payload(successor));
}

Json state(hub::plugin_testing::RecordingContext& ctx, hub::CaseId id = kExit) {
  return ctx.load_global(hub::utilities::exit_key(id)).value_or(nullptr);
}

const hub::TimePoint kExitDay = *hub::utilities::start_of_local_day("2026-04-01");

// Receives the exit and has the 镇街 answer it.
void exit_decided(hub::utilities::UtilitiesPlugin& plugin, hub::plugin_testing::RecordingContext& ctx,
                  const hub::CaseView& c, const std::string& outcome, Json body = Json::object(),
                  const std::string& from = "sd.xinzhou") {
  ctx.current_case = c.id;
  REQUIRE(plugin.on_accepted(ctx, c).ok());
  REQUIRE(plugin.on_reply(ctx, c, final_reply(800, from, outcome, std::move(body))).ok());
}

}  // namespace

TEST_CASE("an approved exit without successor: public notice, handovers to the utilities and the 镇街, custody "
          "from the exit date", "[utilities][exit]") {
  auto plugin = configured_plugin();
  auto ctx = context();
  ctx.current_case = kExit;
  REQUIRE(plugin.on_accepted(ctx, exit_case()).ok());
  CHECK(ctx.raised.empty());
  CHECK(state(ctx)["status"] == "pending");
  // Remarks of the copies and progress notes decide nothing.
  REQUIRE(plugin.on_reply(ctx, exit_case(), progress_reply(799, "zg.zone01", {{"note", "已知悉"}})).ok());
  CHECK(ctx.raised.empty());
  CHECK(ctx.directory_changes.empty());

  REQUIRE(plugin.on_reply(ctx, exit_case(), final_reply(800, "sd.xinzhou", "approved")).ok());
  CHECK(invalid_follow_ups(plugin, ctx).empty());

  const auto notices = ctx.raised_of("utilities.exit_public_notice");
  REQUIRE(notices.size() == 1);
  CHECK(notices[0].to.empty());
  CHECK(notices[0].cc == std::vector<std::string>{"community.jianshe", "team.jinxiu", "oc.jinxiu", "pm.jinxiu"});
  CHECK(notices[0].payload["exit_date"] == "2026-04-01");
  CHECK(notices[0].payload["custodian"] == "sd.xinzhou");
  CHECK(notices[0].payload["successor"] == "");
  CHECK(notices[0].payload["approved_by"] == "sd.xinzhou");
  CHECK(notices[0].payload["approved_on"] == "2026-03-02");

  const auto handovers = ctx.raised_of("utilities.handover");
  REQUIRE(handovers.size() == 5);
  std::vector<std::string> meter_units;
  for (const auto& h : handovers) {
    CHECK(h.cc == std::vector<std::string>{"pm.jinxiu"});
    CHECK(h.payload["receiver"] == "sd.xinzhou");
    CHECK(h.payload["exit_case"] == kExit);
    if (h.payload["kind"] == "meters_accounts") meter_units.push_back(h.to.at(0));
    else CHECK(h.to == std::vector<std::string>{"sd.xinzhou"});
  }
  CHECK(meter_units == std::vector<std::string>{"water", "power", "heating", "gas"});

  REQUIRE(ctx.directory_changes.size() == 2);
  CHECK(ctx.directory_changes[0].compound == "jinxiu");
  CHECK(ctx.directory_changes[0].field == "company");
  CHECK(ctx.directory_changes[0].unit == "");
  CHECK(ctx.directory_changes[0].effective_from == kExitDay);
  CHECK(ctx.directory_changes[1].field == "custodian");
  CHECK(ctx.directory_changes[1].unit == "sd.xinzhou");
  CHECK(ctx.directory_changes[1].effective_from == kExitDay);
  // 2026-04-01 00:00 in Xinhui is 2026-03-31 16:00 UTC.
  CHECK(kExitDay.time_since_epoch() == std::chrono::sys_days{std::chrono::year{2026} / 3 / 31}.time_since_epoch() +
                                           std::chrono::hours(16));
  CHECK(state(ctx)["status"] == "approved");
}

TEST_CASE("an approved exit with a successor hands keys and drawings to it and makes it the company",
          "[utilities][exit]") {
  auto plugin = configured_plugin();
  auto ctx = context();
  exit_decided(plugin, ctx, exit_case("pm.jinxiu", "pm.hengan"), "approved");
  CHECK(invalid_follow_ups(plugin, ctx).empty());
  const auto notices = ctx.raised_of("utilities.exit_public_notice");
  REQUIRE(notices.size() == 1);
  CHECK(notices[0].cc ==
        std::vector<std::string>{"community.jianshe", "team.jinxiu", "oc.jinxiu", "pm.jinxiu", "pm.hengan"});
  CHECK(notices[0].payload["successor"] == "pm.hengan");
  CHECK(notices[0].payload["custodian"] == "");
  const auto handovers = ctx.raised_of("utilities.handover");
  REQUIRE(handovers.size() == 5);
  const auto keys = std::find_if(handovers.begin(), handovers.end(),
                                 [](const FollowUpCase& h) { return h.payload["kind"] == "keys_drawings"; });
  REQUIRE(keys != handovers.end());
  CHECK(keys->to == std::vector<std::string>{"pm.hengan"});
  CHECK(keys->payload["receiver"] == "pm.hengan");
  REQUIRE(ctx.directory_changes.size() == 1);
  CHECK(ctx.directory_changes[0].field == "company");
  CHECK(ctx.directory_changes[0].unit == "pm.hengan");
  CHECK(ctx.directory_changes[0].effective_from == kExitDay);
}

TEST_CASE("a refused exit changes nothing, and a new exit may be filed after it", "[utilities][exit]") {
  auto plugin = configured_plugin();
  auto ctx = context();
  exit_decided(plugin, ctx, exit_case(), "refused", {{"reason", "未妥善安置业主，暂不同意"}});
  CHECK(ctx.raised.empty());
  CHECK(ctx.directory_changes.empty());
  CHECK(state(ctx)["status"] == "refused");
  CHECK(state(ctx)["refusal"] == "未妥善安置业主，暂不同意");

  ctx.current_case = kExit + 1;
  REQUIRE(plugin.on_accepted(ctx, exit_case("pm.jinxiu", "", kExit + 1)).ok());
  CHECK(ctx.raised.empty());
  CHECK(state(ctx, kExit + 1)["status"] == "pending");
}

TEST_CASE("an exit by a company that does not serve the compound cannot take effect", "[utilities][exit]") {
  auto plugin = configured_plugin();
  auto ctx = context();
  exit_decided(plugin, ctx, exit_case("pm.anju"), "approved");  // pm.anju serves huimin, not jinxiu
  CHECK(invalid_follow_ups(plugin, ctx).empty());
  CHECK(ctx.directory_changes.empty());
  CHECK(ctx.raised_of("utilities.handover").empty());
  CHECK(ctx.raised_of("utilities.exit_public_notice").empty());
  const auto invalid = ctx.raised_of("utilities.exit_invalid");
  REQUIRE(invalid.size() == 2);
  CHECK(invalid[0].cc == std::vector<std::string>{"pm.anju", "sd.xinzhou"});
  CHECK(invalid[0].payload["reason"] ==
        "pm.anju is not the property company of compound jinxiu (the directory names pm.jinxiu): its exit cannot take "
        "effect");
  CHECK(invalid[1].cc == std::vector<std::string>{"sd.xinzhou", "pm.anju"});
  CHECK_THAT(invalid[1].payload["reason"].get<std::string>(), Catch::StartsWith("the approval changes nothing: pm.anju"));
  CHECK(state(ctx)["status"] == "invalid");
}

TEST_CASE("a second exit of a compound waits for the first one's decision and date", "[utilities][exit]") {
  auto plugin = configured_plugin();
  auto ctx = context();
  ctx.current_case = kExit;
  REQUIRE(plugin.on_accepted(ctx, exit_case()).ok());
  ctx.current_case = kExit + 1;
  REQUIRE(plugin.on_accepted(ctx, exit_case("pm.jinxiu", "", kExit + 1)).ok());
  REQUIRE(ctx.raised.size() == 1);
  CHECK(ctx.raised[0].payload["reason"] == "exit case 700 of this compound awaits the 镇街's decision");

  ctx.current_case = kExit;
  REQUIRE(plugin.on_reply(ctx, exit_case(), final_reply(800, "sd.xinzhou", "approved")).ok());
  ctx.raised.clear();
  ctx.current_case = kExit + 2;
  REQUIRE(plugin.on_accepted(ctx, exit_case("pm.jinxiu", "", kExit + 2)).ok());
  REQUIRE(ctx.raised.size() == 1);
  CHECK(ctx.raised[0].payload["reason"] == "exit case 700 of this compound was approved and takes effect on 2026-04-01");
}

TEST_CASE("only the compound's 镇街 decides on an exit", "[utilities][exit]") {
  auto plugin = configured_plugin();
  auto ctx = context();
  exit_decided(plugin, ctx, exit_case(), "approved", Json::object(), "sd.huizhou");
  CHECK(ctx.directory_changes.empty());
  REQUIRE(ctx.raised.size() == 1);
  CHECK(ctx.raised[0].type == "utilities.exit_invalid");
  CHECK(ctx.raised[0].payload["reason"] ==
        "only the 镇街 sd.xinzhou decides on this exit; the reply of sd.huizhou changes nothing");
  CHECK(state(ctx)["status"] == "pending");
}

TEST_CASE("handovers are gathered, the 镇街 hears once every one is answered", "[utilities][exit][handover]") {
  auto plugin = configured_plugin();
  auto ctx = context();
  exit_decided(plugin, ctx, exit_case(), "approved");
  const auto handovers = ctx.raised_of("utilities.handover");
  REQUIRE(handovers.size() == 5);
  ctx.raised.clear();

  auto answer = [&](std::size_t i, hub::ReplyView r) {
    const hub::CaseId id = 900 + static_cast<hub::CaseId>(i);
    ctx.current_case = id;
    REQUIRE(plugin.on_reply(ctx, as_case(id, handovers[i]), r).ok());
  };
  SECTION("all done: completed") {
    for (std::size_t i = 0; i < handovers.size(); ++i) {
      const std::string unit = handovers[i].to.at(0);
      answer(i, progress_reply(10 + i, unit, {{"note", "已约定抄表时间"}}));
      CHECK(ctx.raised.empty());
      const Json body = handovers[i].payload["kind"] == "meters_accounts"
                            ? Json{{"readings", {{{"meter", "总表"}, {"reading", 1000 + i}}}}}
                            : Json{{"received", {"钥匙", "竣工图纸"}}};
      answer(i, final_reply(20 + i, unit, "done", body));
      if (i + 1 < handovers.size()) CHECK(ctx.raised.empty());
    }
    REQUIRE(ctx.raised.size() == 1);
    CHECK(invalid_follow_ups(plugin, ctx).empty());
    CHECK(ctx.raised[0].type == "utilities.handover_result");
    CHECK(ctx.raised[0].cc == std::vector<std::string>{"sd.xinzhou"});
    CHECK(ctx.raised[0].payload["status"] == "completed");
    CHECK(ctx.raised[0].payload["handovers"].size() == 5);
    CHECK(state(ctx)["handover_status"] == "completed");
  }
  SECTION("one refused: incomplete, naming it") {
    for (std::size_t i = 0; i < handovers.size(); ++i) {
      const std::string unit = handovers[i].to.at(0);
      if (unit == "gas")
        answer(i, final_reply(20 + i, unit, "refused", {{"reason", "企业尚欠燃气费，结清后办理"}}));
      else
        answer(i, final_reply(20 + i, unit, "done", {{"received", {"已办理"}}}));
    }
    REQUIRE(ctx.raised.size() == 1);
    CHECK(ctx.raised[0].payload["status"] == "incomplete");
    bool named = false;
    for (const auto& h : ctx.raised[0].payload["handovers"])
      if (h["unit"] == "gas") named = h["outcome"] == "refused" && h["answer"]["reason"] == "企业尚欠燃气费，结清后办理";
    CHECK(named);
  }
}
