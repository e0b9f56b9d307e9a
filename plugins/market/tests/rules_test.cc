// Payload rules of every market case type, replies to fee changes, settings.
#include <catch2/catch.hpp>

#include "fixture.h"
#include "market_rules.h"
#include "market_types.h"
#include "payloads.h"

using namespace market_test;
using hub::market::Settings;

namespace {

hub::Problems check(const std::string& type, const Json& payload, const std::string& compound = "jinxiu",
                    const std::string& origin = "pm.jinxiu") {
  Settings settings;
  REQUIRE(hub::market::parse_settings(settings_with(), settings).ok());
  return hub::market::validate_case(settings, {0, type, origin, "r", compound, payload});
}

}  // namespace

TEST_CASE("valid payloads of every type pass", "[market][rules]") {
  CHECK(check(hub::market::kGuidedPrice, guided_payload(), "", "sd.xinzhou").empty());
  CHECK(check(hub::market::kDisclosure, disclosure_payload()).empty());
  CHECK(check(hub::market::kAccounts, accounts_payload()).empty());
  CHECK(check(hub::market::kFeeChange, fee_change_payload()).empty());
  CHECK(check(hub::market::kComplaint, complaint_payload("停车管理费"), "jinxiu", "community.jianshe").empty());
  CHECK(check(hub::market::kComplaint, {{"description", "收费不透明"}}, "jinxiu", "community.jianshe").empty());
  CHECK(check("market.no_such", Json::object()).size() == 1);
}

TEST_CASE("a guided-price table needs a known class, sound items and the three consulted units", "[market][rules]") {
  Json p = guided_payload();
  p["class"] = "D";
  p["items"][0].erase("max_price_yuan");
  p["items"][1]["max_price_yuan"] = -1;
  p["items"].push_back({{"name", "物业服务费"}, {"max_price_yuan", 2}, {"unit", "元/㎡·月"}});
  p["items"].push_back("电梯费");
  p["consulted"] = Json::array({"fgw", 7});
  p["effective_from"] = "2026-02-30";
  const auto problems = check(hub::market::kGuidedPrice, p, "", "sd.xinzhou");
  CHECK(pointers(problems) == std::vector<std::string>{"/effective_from", "/class", "/items/0/max_price_yuan",
                                                       "/items/3", "/items/1/max_price_yuan", "/items/2/name",
                                                       "/consulted/1", "/consulted"});
  CHECK(reason_at(problems, "/class") == "must be one of A, B, C, not 'D'");
  CHECK(reason_at(problems, "/items/0/max_price_yuan") == "required number is missing");
  CHECK(reason_at(problems, "/items/1/max_price_yuan") == "must not be negative");
  CHECK(reason_at(problems, "/items/2/name") == "duplicate item '物业服务费' (also at /items/0)");
  CHECK(reason_at(problems, "/items/3") == "must be an object");
  CHECK(reason_at(problems, "/consulted") == "guided prices are set with fgw, zjj, cgj; missing: zjj, cgj");
  CHECK(reason_at(problems, "/effective_from") == "must be a date (YYYY-MM-DD)");

  p = guided_payload();
  p["items"] = Json::array();
  CHECK(pointers(check(hub::market::kGuidedPrice, p, "", "sd.xinzhou")) == std::vector<std::string>{"/items"});
}

TEST_CASE("a disclosure names its compound and lists services, priced fee items and a phone", "[market][rules]") {
  Json p = disclosure_payload();
  p["service_items"] = Json::array({"保洁", ""});
  p["fee_items"][0]["price_yuan"] = "1.6";
  p["fee_items"][1].erase("basis");
  p["fee_items"][2]["price_yuan"] = -5;
  p["repair_phone"] = "call the office";
  p.erase("service_standard");
  const auto problems = check(hub::market::kDisclosure, p, "");
  CHECK(pointers(problems) == std::vector<std::string>{"", "/service_standard", "/service_items/1",
                                                       "/fee_items/0/price_yuan", "/fee_items/1/basis",
                                                       "/fee_items/2/price_yuan", "/repair_phone"});
  CHECK_THAT(reason_at(problems, ""), Catch::Contains("must name the compound"));
  CHECK(reason_at(problems, "/fee_items/0/price_yuan") == "must be a number");
  CHECK(reason_at(problems, "/fee_items/2/price_yuan") == "must not be negative");
  CHECK_THAT(reason_at(problems, "/repair_phone"), Catch::Contains("phone number"));

  CHECK(pointers(check(hub::market::kDisclosure, Json::array())) == std::vector<std::string>{""});
}

TEST_CASE("half-year accounts: items add up to the totals, halves and categories are checked", "[market][rules]") {
  Json p = accounts_payload();
  p["income_total_yuan"] = 128000.00;
  p["expense_total_yuan"] = 102000.254;  // within a fen: fine
  p["half"] = "2026-H3";
  p["income_items"][1]["category"] = "gift";
  auto problems = check(hub::market::kAccounts, p);
  CHECK(pointers(problems) == std::vector<std::string>{"/half", "/income_items/1/category", "/income_total_yuan"});
  CHECK(reason_at(problems, "/income_total_yuan") == "the items of /income_items add up to 128000.50, not 128000.00");
  CHECK_THAT(reason_at(problems, "/half"), Catch::Contains("2026-H1"));

  p = accounts_payload();
  p["expense_items"][0]["amount_yuan"] = "90000";
  p["expense_total_yuan"] = 1;
  problems = check(hub::market::kAccounts, p);
  // A mistyped amount is reported once, not again as a wrong sum.
  CHECK(pointers(problems) == std::vector<std::string>{"/expense_items/0/amount_yuan"});

  CHECK(hub::market::is_half_year("2026-H2"));
  CHECK_FALSE(hub::market::is_half_year("2026-h1"));
  CHECK_FALSE(hub::market::is_half_year("26-H1"));
}

TEST_CASE("a fee change lists its new fees, reason and date, its final replies approve or refuse", "[market][rules]") {
  Json p = fee_change_payload();
  p["fee_items"] = Json::array();
  p.erase("reason");
  CHECK(pointers(check(hub::market::kFeeChange, p)) == std::vector<std::string>{"/reason", "/fee_items"});

  using hub::market::validate_fee_change_reply;
  CHECK(validate_fee_change_reply({1, 2, "sd.xinzhou", false, "", {{"note", "正在研究"}}}).empty());
  CHECK(validate_fee_change_reply({1, 2, "sd.xinzhou", true, "approved", Json::object()}).empty());
  CHECK(validate_fee_change_reply({1, 2, "sd.xinzhou", true, "refused", {{"reason", "涨幅过大"}}}).empty());
  const auto done = validate_fee_change_reply({1, 2, "sd.xinzhou", true, "done", Json::object()});
  REQUIRE(done.size() == 1);
  CHECK(done[0].pointer == "");
  CHECK_THAT(done[0].reason, Catch::Contains("approved or refused, not 'done'"));
  const auto no_reason = validate_fee_change_reply({1, 2, "zg.zone01", true, "refused", {{"reason", ""}}});
  REQUIRE(no_reason.size() == 1);
  CHECK(no_reason[0].pointer == "/reason");

  Fixture f;
  CHECK(f.plugin.validate_reply(hub::market::kFeeChange, {1, 2, "sd.xinzhou", true, "done", Json::object()}).size() ==
        1);
  CHECK(f.plugin.validate_reply(hub::market::kComplaint, {1, 2, "market", true, "done", Json::object()}).empty());
}

TEST_CASE("complaints, violations and decisions have their own rules", "[market][rules]") {
  auto problems = check(hub::market::kComplaint, {{"description", ""}, {"amount_yuan", -3}}, "", "cgj");
  CHECK(pointers(problems) == std::vector<std::string>{"", "/description", "/amount_yuan"});

  problems = check(hub::market::kViolation,
                   {{"company", "pm.jinxiu"},
                    {"source_case", 3},
                    {"source_type", "market.price_disclosure"},
                    {"findings", Json::array({{{"fee_item", "物业服务费"}}})},
                    {"occurred_on", "2026-03-10"},
                    {"credit_points", -1}},
                   "jinxiu", "plugin:market");
  CHECK(pointers(problems) == std::vector<std::string>{"/findings/0/finding", "/findings/0/detail", "/credit_points"});

  problems = check(hub::market::kDecision,
                   {{"decision", "refused"},
                    {"fee_change_case", 3},
                    {"company", "pm.jinxiu"},
                    {"effective_from", "2026-07-01"},
                    {"fee_items", Json::array()}},
                   "jinxiu", "plugin:market");
  CHECK(pointers(problems) == std::vector<std::string>{"/reason"});
}

TEST_CASE("settings are checked at configure", "[market][settings]") {
  Settings s;
  REQUIRE(hub::market::parse_settings(settings_with(), s).ok());
  CHECK(s.credit_event_type == "governance.credit_event");
  CHECK(s.violation_points == 5);
  CHECK_FALSE(s.credit_for_complaints);
  CHECK(s.required_consulted == std::vector<std::string>{"fgw", "zjj", "cgj"});

  CHECK(hub::market::parse_settings(settings_with({{"credit_event_type", ""}}), s).ok());
  CHECK(s.credit_event_type.empty());

  auto bad = hub::market::parse_settings(settings_with({{"violation_points", 0}}), s);
  CHECK_THAT(bad.message(), Catch::Contains("'violation_points' must be a positive integer"));
  bad = hub::market::parse_settings(settings_with({{"credit_event_type", "credit"}}), s);
  CHECK_THAT(bad.message(), Catch::Contains("'credit_event_type' must be a case type id"));
  bad = hub::market::parse_settings(settings_with({{"classes", Json::array()}}), s);
  CHECK_THAT(bad.message(), Catch::Contains("'classes' must not be empty"));
  bad = hub::market::parse_settings(settings_with({{"required_consulted", Json::array({"fgw", 3})}}), s);
  CHECK_THAT(bad.message(), Catch::Contains("'required_consulted' must list non-empty strings"));
  bad = hub::market::parse_settings(settings_with({{"regulator", ""}}), s);
  CHECK_FALSE(bad.ok());
}
