// Credit files: events move the points, the status follows the configured
// marks, notices go out only when the status changes, a refusal by the file's
// keeper reverses an event, and a credit query is answered from the file.
#include <catch2/catch.hpp>

#include "case_types.h"
#include "credit.h"
#include "test_settings.h"

using namespace hub::governance;
using namespace hub::governance::testing;
using hub::Json;

namespace {

Json event(int points, const std::string& company = "pm.jinxiu") {
  return {{"company", company},
          {"points", points},
          {"reason", "小区垃圾清运不及时，经责令整改逾期未改"},
          {"category", "sanitation"},
          {"occurred_on", "2026-03-02"},
          {"source_case", 41}};
}

hub::TimePoint march_10() {
  using namespace std::chrono;
  return sys_days{year{2026} / 3 / 10} + hours(2);  // 10:00 in Xinhui
}

// Every follow-up the hooks raised must pass the plugin's own validation, as
// the hub checks it before committing.
void check_raised_valid(const GovernancePlugin& plugin, const hub::plugin_testing::RecordingContext& ctx) {
  for (const auto& f : ctx.raised) {
    INFO(f.type << " " << f.payload.dump());
    CHECK(plugin.validate(make_case(f.type, "plugin:governance", f.compound, f.payload)).empty());
  }
}

std::set<std::string> cc_of(const hub::FollowUpCase& f) { return {f.cc.begin(), f.cc.end()}; }

}  // namespace

TEST_CASE("a credit event names a company and a bounded, non-zero number of points", "[governance][credit]") {
  const auto plugin = configured();
  CHECK(plugin.validate(make_case(kCreditEvent, "cgj", "jinxiu", event(-10))).empty());
  CHECK(plugin.validate(make_case(kCreditEvent, "plugin:market", "", event(5))).empty());

  Json bad = event(0);
  bad["company"] = "sd.xinzhou";
  bad["source_case"] = 0;
  bad["occurred_on"] = "2026-02-30";
  auto problems = plugin.validate(make_case(kCreditEvent, "cgj", "", bad));
  CHECK(pointers(problems) == std::set<std::string>{"/company", "/points", "/occurred_on", "/source_case"});
  CHECK(reason_at(problems, "/company") == "must be a property company's unit id, pm.<name>; found 'sd.xinzhou'");
  CHECK(reason_at(problems, "/points") == "must not be 0: negative points deduct, positive points reward");
  CHECK(reason_at(problems, "/occurred_on") == "must be a date (YYYY-MM-DD)");

  problems = plugin.validate(make_case(kCreditEvent, "cgj", "", event(-51)));
  CHECK(reason_at(problems, "/points") == "must be between -50 and 50 (credit_max_points_per_event), found -51");
  CHECK(plugin.validate(make_case(kCreditEvent, "cgj", "", event(-50))).empty());

  // Beyond INT64_MAX a JSON integer is unsigned: 2^64 - 40 is out of bounds, not -40 (found by reading the
  // validators for tests/fuzz/plugin_payloads_fuzz.cc).
  for (const char* huge : {"18446744073709551576", "9223372036854775808"}) {
    Json wrapped = event(-10);
    wrapped["points"] = Json::parse(huge);
    problems = plugin.validate(make_case(kCreditEvent, "cgj", "", wrapped));
    CHECK(reason_at(problems, "/points") ==
          "must be between -50 and 50 (credit_max_points_per_event), found " + std::string(huge));
  }

  Json fractional = event(-10);
  fractional["points"] = -2.5;
  fractional.erase("reason");
  problems = plugin.validate(make_case(kCreditEvent, "cgj", "", fractional));
  CHECK(pointers(problems) == std::set<std::string>{"/points", "/reason"});
  CHECK(reason_at(problems, "/points") == "must be a integer");
}

TEST_CASE("events move the points, the status notice goes out only when the list changes", "[governance][credit]") {
  auto plugin = configured();
  auto ctx = context();
  ctx.clock = march_10();

  // 100 → 90: still normal. The company is told of the event; nobody of a status.
  ctx.current_case = 11;
  REQUIRE(plugin.on_accepted(ctx, make_case(kCreditEvent, "cgj", "jinxiu", event(-10), 11)).ok());
  CHECK(ctx.raised_of(kCreditStatusNotice).empty());
  auto told = ctx.raised_of(kCreditEventNotice);
  REQUIRE(told.size() == 1);
  CHECK(told[0].to.empty());
  CHECK(told[0].cc == std::vector<std::string>{"pm.jinxiu"});
  CHECK(told[0].payload["points"] == 90);
  CHECK(told[0].payload["status"] == "normal");
  CHECK(told[0].payload["event"]["case"] == 11);
  Json file = *ctx.load_global("credit/pm.jinxiu");
  CHECK(file["points"] == 90);
  CHECK(file["status"] == "normal");
  REQUIRE(file["events"].size() == 1);
  CHECK(file["events"][0]["source_case"] == 41);
  CHECK(file["events"][0]["recorded_on"] == "2026-03-10");
  CHECK(file["events"][0]["points_after"] == 90);
  check_raised_valid(plugin, ctx);

  // 90 → 60: at the black-list mark. Company, cgj, bidding and the 镇街 are told.
  ctx.raised.clear();
  ctx.current_case = 12;
  REQUIRE(plugin.on_accepted(ctx, make_case(kCreditEvent, "sd.xinzhou", "jinxiu", event(-30), 12)).ok());
  auto status = ctx.raised_of(kCreditStatusNotice);
  REQUIRE(status.size() == 1);
  CHECK(cc_of(status[0]) == std::set<std::string>{"pm.jinxiu", "cgj", "bidding", "sd.xinzhou"});
  CHECK(status[0].to.empty());
  CHECK(status[0].payload["status"] == "black_list");
  CHECK(status[0].payload["status_name"] == "黑名单");
  CHECK(status[0].payload["previous_status"] == "normal");
  CHECK(status[0].payload["points"] == 60);
  CHECK(status[0].payload["changed_on"] == "2026-03-10");
  CHECK(status[0].payload["cause"]["case"] == 12);
  CHECK(ctx.raised_of(kCreditEventNotice).size() == 1);
  CHECK((*ctx.load_global("credit/pm.jinxiu"))["status_since"] == "2026-03-10");
  check_raised_valid(plugin, ctx);

  // 60 → 55: still black listed, no status notice.
  ctx.raised.clear();
  ctx.current_case = 13;
  REQUIRE(plugin.on_accepted(ctx, make_case(kCreditEvent, "cgj", "", event(-5), 13)).ok());
  CHECK(ctx.raised_of(kCreditStatusNotice).empty());
  CHECK((*ctx.load_global("credit/pm.jinxiu"))["points"] == 55);

  // 55 → 100: off the black list; no compound, so no 镇街 copy.
  ctx.raised.clear();
  ctx.current_case = 14;
  REQUIRE(plugin.on_accepted(ctx, make_case(kCreditEvent, "cgj", "", event(45), 14)).ok());
  status = ctx.raised_of(kCreditStatusNotice);
  REQUIRE(status.size() == 1);
  CHECK(cc_of(status[0]) == std::set<std::string>{"pm.jinxiu", "cgj", "bidding"});
  CHECK(status[0].payload["status"] == "normal");
  CHECK(status[0].payload["previous_status"] == "black_list");

  // A retried hook for an event already in the file changes nothing.
  ctx.raised.clear();
  REQUIRE(plugin.on_accepted(ctx, make_case(kCreditEvent, "cgj", "", event(45), 14)).ok());
  CHECK(ctx.raised.empty());
  file = *ctx.load_global("credit/pm.jinxiu");
  CHECK(file["points"] == 100);
  CHECK(file["events"].size() == 4);

  // Other companies keep their own files.
  CHECK_FALSE(ctx.load_global("credit/pm.anju"));
}

TEST_CASE("reaching the red-list mark puts a company on the red list, the marks are settings", "[governance][credit]") {
  auto plugin = configured({{"credit_red_list_at", 110}, {"credit_status_notice_to", {"cgj", "bidding", "media"}}});
  auto ctx = context();
  ctx.current_case = 21;
  REQUIRE(plugin.on_accepted(ctx, make_case(kCreditEvent, "cgj", "jinxiu", event(9), 21)).ok());
  CHECK(ctx.raised_of(kCreditStatusNotice).empty());
  ctx.current_case = 22;
  REQUIRE(plugin.on_accepted(ctx, make_case(kCreditEvent, "cgj", "jinxiu", event(1), 22)).ok());
  auto status = ctx.raised_of(kCreditStatusNotice);
  REQUIRE(status.size() == 1);
  CHECK(status[0].payload["status"] == "red_list");
  CHECK(status[0].payload["status_name"] == "红名单");
  CHECK(cc_of(status[0]) == std::set<std::string>{"pm.jinxiu", "cgj", "bidding", "media", "sd.xinzhou"});
}

TEST_CASE("a refusal by the event's receiver reverses the event, once", "[governance][credit]") {
  auto plugin = configured();
  auto ctx = context();
  ctx.clock = march_10();
  const auto c = make_case(kCreditEvent, "sd.xinzhou", "jinxiu", event(-40), 31);
  ctx.current_case = 31;
  REQUIRE(plugin.on_accepted(ctx, c).ok());
  CHECK((*ctx.load_global("credit/pm.jinxiu"))["status"] == "black_list");
  ctx.raised.clear();

  // Progress and a "recorded" answer leave the file as it is.
  REQUIRE(plugin.on_reply(ctx, c, {501, 9, "cgj", false, "", {{"note", "核实中"}}}).ok());
  REQUIRE(plugin.on_reply(ctx, c, {502, 9, "cgj", true, "recorded", Json::object()}).ok());
  CHECK(ctx.raised.empty());
  CHECK((*ctx.load_global("credit/pm.jinxiu"))["points"] == 60);

  REQUIRE(plugin.on_reply(ctx, c, {503, 9, "cgj", true, "refused", {{"reason", "经核实已按期整改"}}}).ok());
  Json file = *ctx.load_global("credit/pm.jinxiu");
  CHECK(file["points"] == 100);
  CHECK(file["status"] == "normal");
  CHECK(file["events"][0]["reversed"] == true);
  CHECK(file["events"][0]["reversal_reason"] == "经核实已按期整改");
  CHECK(file["events"][0]["reversed_by"] == "cgj");
  auto status = ctx.raised_of(kCreditStatusNotice);
  REQUIRE(status.size() == 1);
  CHECK(status[0].key == "status-r503");
  CHECK(status[0].payload["previous_status"] == "black_list");
  auto told = ctx.raised_of(kCreditEventNotice);
  REQUIRE(told.size() == 1);
  CHECK(told[0].payload["event"]["reversed"] == true);
  CHECK(told[0].payload["points"] == 100);
  check_raised_valid(plugin, ctx);

  ctx.raised.clear();
  REQUIRE(plugin.on_reply(ctx, c, {504, 9, "cgj", true, "refused", {{"reason", "again"}}}).ok());
  CHECK(ctx.raised.empty());
  CHECK((*ctx.load_global("credit/pm.jinxiu"))["points"] == 100);
}

TEST_CASE("a credit query is answered from the file: annex for the receiver, report to the querier",
          "[governance][credit]") {
  auto plugin = configured();
  auto ctx = context();
  ctx.clock = march_10();
  const Json query = {{"company", "pm.jinxiu"}, {"purpose", "锦绣花园物业服务招标资格审查"}};
  CHECK(plugin.validate(make_case(kCreditQuery, "bidding", "", query)).empty());
  auto problems = plugin.validate(make_case(kCreditQuery, "bidding", "", {{"company", "jinxiu"}}));
  CHECK(pointers(problems) == std::set<std::string>{"/company", "/purpose"});

  // No events yet: the initial points.
  ctx.current_case = 40;
  REQUIRE(plugin.on_accepted(ctx, make_case(kCreditQuery, "bidding", "", query, 40)).ok());
  CHECK(ctx.annex["credit_file"]["points"] == 100);
  CHECK(ctx.annex["credit_file"]["status"] == "normal");
  CHECK(ctx.annex["credit_file"]["events"].empty());
  CHECK_FALSE(ctx.load_global("credit/pm.jinxiu"));  // a query stores nothing

  ctx.current_case = 41;
  REQUIRE(plugin.on_accepted(ctx, make_case(kCreditEvent, "cgj", "jinxiu", event(-45), 41)).ok());
  ctx.raised.clear();
  ctx.annex = Json::object();
  ctx.current_case = 42;
  REQUIRE(plugin.on_accepted(ctx, make_case(kCreditQuery, "bidding", "", query, 42)).ok());
  const Json& file = ctx.annex["credit_file"];
  CHECK(file["company"] == "pm.jinxiu");
  CHECK(file["points"] == 55);
  CHECK(file["status"] == "black_list");
  CHECK(file["status_name"] == "黑名单");
  CHECK(file["black_list_at"] == 60);
  CHECK(file["red_list_at"] == 120);
  CHECK(file["as_of"] == "2026-03-10");
  REQUIRE(file["events"].size() == 1);
  CHECK(file["events"][0]["case"] == 41);
  CHECK(file["events"][0]["reason"] == "小区垃圾清运不及时，经责令整改逾期未改");

  auto report = ctx.raised_of(kCreditReport);
  REQUIRE(report.size() == 1);
  CHECK(report[0].cc == std::vector<std::string>{"bidding"});
  CHECK(report[0].to.empty());
  CHECK(report[0].payload["query_case"] == 42);
  CHECK(report[0].payload["file"] == file);
  check_raised_valid(plugin, ctx);
}

TEST_CASE("the plugin's notices cannot be sent by units", "[governance][credit]") {
  const auto plugin = configured();
  const Json report = {{"company", "pm.jinxiu"}, {"query_case", 1}, {"file", {{"points", 120}}}};
  CHECK(plugin.validate(make_case(kCreditReport, "plugin:governance", "", report)).empty());
  const auto problems = plugin.validate(make_case(kCreditReport, "pm.jinxiu", "", report));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].reason == "governance.credit_report is issued by the hub's governance plugin, not sent by units");
  CHECK(pointers(plugin.validate(make_case(kCreditStatusNotice, "plugin:governance", "", Json::object()))) ==
        std::set<std::string>{"/company", "/status", "/status_name", "/previous_status", "/points", "/changed_on", "/cause"});
}
