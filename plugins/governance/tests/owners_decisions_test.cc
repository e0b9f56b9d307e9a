// Owners' decisions against the thresholds (exactly 2/3 passes, just below
// fails, other matters need more than 1/2), decisions by public notice, and
// the fund query and common-income spending checks.
#include <catch2/catch.hpp>

#include "case_types.h"
#include "owners_decisions.h"
#include "test_settings.h"

using namespace hub::governance;
using namespace hub::governance::testing;
using hub::Json;

namespace {

Json decision(const std::string& matter, double consenting_area, int consenting_owners) {
  Json d = {{"matter", matter},
            {"description", "更换3号楼电梯，预算以公示为准"},
            {"total_area_m2", 30000},
            {"total_owners", 300},
            {"consenting_area_m2", consenting_area},
            {"consenting_owners", consenting_owners},
            {"voting_closed_on", "2026-03-01"}};
  if (matter == "fund_use" || matter == "fund_raise") d["amount_yuan"] = 380000;
  return d;
}

Json by_notice(Json d, const std::string& group = "zg.zone01") {
  d["by_public_notice"] = true;
  d["notice_period"] = {{"from", "2026-02-10"}, {"to", "2026-02-24"}};
  d["supervised_by"] = group;
  return d;
}

hub::Problems check(const GovernancePlugin& plugin, const Json& payload, const std::string& origin = "community.jianshe",
                    const std::string& compound = "jinxiu") {
  return plugin.validate(make_case(kFundDecision, origin, compound, payload));
}

}  // namespace

TEST_CASE("fund use at exactly 2/3 of the area and of the owners passes", "[governance][decision]") {
  const auto plugin = configured();
  CHECK(check(plugin, decision("fund_use", 20000, 200)).empty());
  CHECK(check(plugin, decision("fund_raise", 20000, 200)).empty());
  CHECK(check(plugin, decision("rebuild", 20000, 200)).empty());
  // Decimal areas at exactly 2/3: 2/3 of 1500.03 is 1000.02.
  Json d = decision("fund_use", 1000.02, 200);
  d["total_area_m2"] = 1500.03;
  CHECK(check(plugin, d).empty());
}

TEST_CASE("just below 2/3 is rejected with the share reached and the share required", "[governance][decision]") {
  const auto plugin = configured();
  auto problems = check(plugin, decision("fund_use", 19999, 199));
  REQUIRE(pointers(problems) == std::set<std::string>{"/consenting_area_m2", "/consenting_owners"});
  CHECK(reason_at(problems, "/consenting_area_m2") ==
        "consent covers 66.66% of the exclusive area (19999 of 30000 m²); fund_use needs at least 2/3 (66.67%)");
  CHECK(reason_at(problems, "/consenting_owners") ==
        "consent covers 66.33% of the owners (199 of 300); fund_use needs at least 2/3 (66.67%)");

  // Only the owners are short.
  problems = check(plugin, decision("rebuild", 25000, 150));
  REQUIRE(pointers(problems) == std::set<std::string>{"/consenting_owners"});
  CHECK(reason_at(problems, "/consenting_owners") ==
        "consent covers 50.00% of the owners (150 of 300); rebuild needs at least 2/3 (66.67%)");

  // So close that two decimals would show the same share: more digits.
  Json d = decision("fund_use", 19999.9, 200);
  problems = check(plugin, d);
  CHECK(reason_at(problems, "/consenting_area_m2") ==
        "consent covers 66.6663% of the exclusive area (19999.9 of 30000 m²); fund_use needs at least 2/3 (66.6667%)");
}

TEST_CASE("other major matters need more than half of both: exactly half fails", "[governance][decision]") {
  const auto plugin = configured();
  auto problems = check(plugin, decision("other_major", 15000, 150));
  REQUIRE(pointers(problems) == std::set<std::string>{"/consenting_area_m2", "/consenting_owners"});
  CHECK(reason_at(problems, "/consenting_owners") ==
        "consent covers 50.00% of the owners (150 of 300); other_major needs more than 1/2 (50.00%)");
  CHECK(check(plugin, decision("other_major", 15000.5, 151)).empty());
  problems = check(plugin, decision("other_major", 15000.5, 150));
  CHECK(pointers(problems) == std::set<std::string>{"/consenting_owners"});
}

TEST_CASE("thresholds are configuration, e.g. the Civil Code's quorum and 3/4 of participants",
          "[governance][decision]") {
  Json thresholds = settings_with()["thresholds"];
  thresholds["fund_use"] = {{"area", "3/4"}, {"owners", "3/4"}, {"quorum", {{"area", "2/3"}, {"owners", "2/3"}}}};
  const auto plugin = configured({{"thresholds", thresholds}});

  Json d = decision("fund_use", 15000, 150);
  auto problems = check(plugin, d);
  CHECK(pointers(problems) == std::set<std::string>{"/participating_area_m2", "/participating_owners"});
  CHECK_THAT(reason_at(problems, "/participating_owners"), Catch::StartsWith("required"));

  // 2/3 took part; 3/4 of them consented.
  d["participating_area_m2"] = 20000;
  d["participating_owners"] = 200;
  CHECK(check(plugin, d).empty());

  // Too few took part.
  d["participating_owners"] = 199;
  d["consenting_owners"] = 149;
  problems = check(plugin, d);
  CHECK(pointers(problems) == std::set<std::string>{"/participating_owners"});
  CHECK(reason_at(problems, "/participating_owners") ==
        "participation covers 66.33% of the owners (199 of 300); fund_use needs at least 2/3 (66.67%) to take part");

  // Enough took part, too few of them consented.
  d["participating_owners"] = 200;
  d["consenting_owners"] = 149;
  problems = check(plugin, d);
  CHECK(reason_at(problems, "/consenting_owners") ==
        "consent covers 74.50% of the participating owners (149 of 200); fund_use needs at least 3/4 (75.00%)");
}

TEST_CASE("consent cannot exceed the totals, totals must be positive, fund matters need an amount",
          "[governance][decision]") {
  const auto plugin = configured();
  Json d = decision("fund_use", 30001, 301);
  d.erase("amount_yuan");
  auto problems = check(plugin, d);
  CHECK(pointers(problems) == std::set<std::string>{"/consenting_area_m2", "/consenting_owners", "/amount_yuan"});
  CHECK(reason_at(problems, "/consenting_owners") == "exceeds the total: 301 of 300");
  CHECK(reason_at(problems, "/amount_yuan") == "required for fund_use: the amount to raise or use");

  d = decision("other_major", 0, 0);
  d["total_owners"] = 0;
  d["amount_yuan"] = -5;
  problems = check(plugin, d);
  CHECK(reason_at(problems, "/total_owners") == "must be more than 0");
  CHECK(reason_at(problems, "/amount_yuan") == "must be more than 0");
  CHECK(pointers(problems) == std::set<std::string>{"/total_owners", "/amount_yuan", "/consenting_area_m2"});

  problems = check(plugin, {{"matter", "party"}}, "community.jianshe", "");
  CHECK(pointers(problems) == std::set<std::string>{"", "/matter", "/description", "/total_area_m2", "/total_owners",
                                                    "/consenting_area_m2", "/consenting_owners", "/voting_closed_on"});
  CHECK(reason_at(problems, "/matter") == "unknown matter 'party'; expected one of fund_raise, fund_use, other_major, rebuild");

  problems = check(plugin, decision("fund_use", 20000, 200), "oc.xinzhou", "jinxiu");
  CHECK(pointers(problems) == std::set<std::string>{""});
}

TEST_CASE("a decision by public notice needs the period and the supervising zone group", "[governance][decision]") {
  const auto plugin = configured();
  CHECK(check(plugin, by_notice(decision("fund_use", 20000, 200))).empty());

  Json d = decision("fund_use", 20000, 200);
  d["by_public_notice"] = true;
  auto problems = check(plugin, d);
  CHECK(pointers(problems) == std::set<std::string>{"/notice_period", "/supervised_by"});

  d = by_notice(decision("fund_use", 20000, 200), "cgj.zone01");
  d["notice_period"] = {{"from", "2026-02-24"}, {"to", "2026-02-10"}};
  d["voting_closed_on"] = "2026-02-20";
  problems = check(plugin, d);
  CHECK(pointers(problems) == std::set<std::string>{"/notice_period/to", "/voting_closed_on", "/supervised_by"});
  CHECK(reason_at(problems, "/notice_period/to") == "the notice ends (2026-02-10) before it begins (2026-02-24)");
  CHECK(reason_at(problems, "/supervised_by") ==
        "must be a zone working group (片区工作组), zg.<zone>; found 'cgj.zone01'");

  d = by_notice(decision("fund_use", 20000, 200));
  d["notice_period"] = {{"from", "2026-02-10"}};
  CHECK(pointers(check(plugin, d)) == std::set<std::string>{"/notice_period/to"});

  // The seed provides public notice for the use of the fund only.
  problems = check(plugin, by_notice(decision("rebuild", 20000, 200)));
  CHECK(reason_at(problems, "/by_public_notice") == "a decision on rebuild cannot be made by public notice; only: fund_use");
  // Not by public notice: period and group are not needed.
  d = decision("fund_use", 20000, 200);
  d["by_public_notice"] = false;
  CHECK(check(plugin, d).empty());
}

TEST_CASE("an accepted decision carries the consent check, a wrong supervisor is told", "[governance][decision]") {
  auto plugin = configured();
  auto ctx = context();
  ctx.current_case = 70;
  REQUIRE(plugin.on_accepted(ctx, make_case(kFundDecision, "community.jianshe", "jinxiu",
                                            by_notice(decision("fund_use", 20000, 200)), 70))
              .ok());
  CHECK(ctx.raised.empty());
  CHECK(ctx.annex["consent_check"]["area"]["met"] == true);
  CHECK(ctx.annex["consent_check"]["owners"]["share_text"] == "66.67%");
  CHECK(ctx.annex["consent_check"]["owners"]["required"] == "at least 2/3 (66.67%)");
  CHECK(ctx.annex["supervision"] == Json{{"supervised_by", "zg.zone01"}, {"zone_group", "zg.zone01"}, {"matches", true}});

  ctx.annex = Json::object();
  ctx.current_case = 71;
  REQUIRE(plugin.on_accepted(ctx, make_case(kFundDecision, "community.jianshe", "jinxiu",
                                            by_notice(decision("fund_use", 21000, 220), "zg.zone07"), 71))
              .ok());
  CHECK(ctx.annex["supervision"]["matches"] == false);
  auto told = ctx.raised_of(kSupervisionNotice);
  REQUIRE(told.size() == 1);
  CHECK(told[0].cc == std::vector<std::string>{"community.jianshe", "zg.zone01"});
  CHECK(told[0].payload["decision_case"] == 71);
  CHECK(told[0].payload["zone_group"] == "zg.zone01");
  CHECK_THAT(told[0].payload["note"].get<std::string>(), Catch::Contains("names zg.zone07") && Catch::Contains("belongs to zg.zone01"));
  CHECK(plugin.validate(make_case(kSupervisionNotice, "plugin:governance", "jinxiu", told[0].payload)).empty());

  // Not by public notice: the check only.
  ctx.raised.clear();
  ctx.annex = Json::object();
  REQUIRE(plugin.on_accepted(ctx, make_case(kFundDecision, "community.jianshe", "jinxiu", decision("other_major", 20000, 200), 72)).ok());
  CHECK(ctx.raised.empty());
  CHECK_FALSE(ctx.annex.contains("supervision"));
  CHECK(ctx.annex["consent_check"]["owners"]["required"] == "more than 1/2 (50.00%)");
}

TEST_CASE("a fund query names a dwelling or a building", "[governance][fund_query]") {
  const auto plugin = configured();
  CHECK(plugin.validate(make_case(kFundQuery, "pm.jinxiu", "jinxiu", {{"building", "3号楼"}, {"purpose", "电梯维修预算"}})).empty());
  CHECK(plugin.validate(make_case(kFundQuery, "oc.xinzhou", "xinzhou", {{"dwelling", "3-2-501"}, {"purpose", "业主查询"}})).empty());
  auto problems = plugin.validate(make_case(kFundQuery, "pm.jinxiu", "jinxiu", {{"purpose", "查询"}}));
  REQUIRE(pointers(problems) == std::set<std::string>{"/dwelling"});
  CHECK(reason_at(problems, "/dwelling") == "give the dwelling (/dwelling) or the building (/building) whose fund is asked");
}

TEST_CASE("spending common income needs a positive amount, a purpose and the assembly's approval",
          "[governance][common_income]") {
  const auto plugin = configured();
  const Json ok = {{"amount_yuan", 12000}, {"purpose", "业主委员会年度工作经费"}, {"assembly_approved_on", "2026-01-15"}};
  CHECK(plugin.validate(make_case(kCommonIncome, "oc.xinzhou", "xinzhou", ok)).empty());
  auto problems = plugin.validate(make_case(kCommonIncome, "oc.xinzhou", "xinzhou",
                                            {{"amount_yuan", 0}, {"assembly_approved_on", "2026-13-01"}}));
  CHECK(pointers(problems) == std::set<std::string>{"/amount_yuan", "/purpose", "/assembly_approved_on"});
  CHECK(reason_at(problems, "/amount_yuan") == "must be more than 0");
}
