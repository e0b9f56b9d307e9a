// The market plugin's hooks, driven with a RecordingContext: tables kept,
// violations and credit events raised, fee changes decided, annexes attached.
#include <catch2/catch.hpp>

#include "fixture.h"
#include "market_types.h"
#include "payloads.h"
#include "price_tables.h"

using namespace market_test;
namespace mk = hub::market;

TEST_CASE("guided prices are kept per 镇街 and class, with their history", "[market][hooks]") {
  Fixture f;
  const auto first = f.accept(mk::kGuidedPrice, "sd.xinzhou", "", guided_payload("A", 1.80));
  f.accept(mk::kGuidedPrice, "sd.xinzhou", "", guided_payload("B", 1.20));
  Json later = guided_payload("A", 2.00);
  later["effective_from"] = "2026-09-01";
  const auto second = f.accept(mk::kGuidedPrice, "sd.xinzhou", "", later);
  f.accept(mk::kGuidedPrice, "sd.huizhou", "", guided_payload("A", 1.50));

  const auto xinzhou_a = f.global("guided/sd.xinzhou/A");
  REQUIRE(xinzhou_a);
  REQUIRE((*xinzhou_a)["versions"].size() == 2);
  CHECK((*xinzhou_a)["versions"][0]["source_case"] == first.id);
  CHECK((*xinzhou_a)["versions"][0]["consulted"] == Json::array({"fgw", "zjj", "cgj"}));
  CHECK((*xinzhou_a)["versions"][1]["set_by"] == "sd.xinzhou");
  CHECK((*mk::in_force(xinzhou_a, "2026-03-10"))["items"][0]["max_price_yuan"] == 1.80);
  CHECK((*mk::in_force(xinzhou_a, "2026-09-01"))["source_case"] == second.id);
  CHECK((*f.global("guided/sd.xinzhou/B"))["versions"].size() == 1);
  CHECK((*f.global("guided/sd.huizhou/A"))["versions"][0]["items"][0]["max_price_yuan"] == 1.50);
  CHECK(f.ctx.raised.empty());
}

TEST_CASE("a disclosure above the guided price raises a violation, which raises a credit event", "[market][hooks]") {
  Fixture f;
  f.accept(mk::kGuidedPrice, "sd.xinzhou", "", guided_payload("A", 1.80));
  f.accept(mk::kGuidedPrice, "sd.huizhou", "", guided_payload("A", 3.00));  // another 镇街's table: not jinxiu's
  const auto disclosure = f.accept(mk::kDisclosure, "pm.jinxiu", "jinxiu", disclosure_payload(2.20));

  // The published list is stored, and the check travels with the disclosure.
  const auto published = f.global("published/jinxiu");
  REQUIRE(published);
  CHECK((*published)["versions"][0]["fee_items"] == disclosure_payload(2.20)["fee_items"]);
  CHECK((*published)["versions"][0]["repair_phone"] == "0476-4321234");
  CHECK(f.ctx.annex["guided_prices"]["status"] == "set");
  CHECK(f.ctx.annex["guided_prices"]["subdistrict"] == "sd.xinzhou");
  CHECK(f.ctx.annex["price_check"]["unguided"] == Json::array({"停车管理费"}));  // allowed, recorded

  const auto violations = f.ctx.raised_of(mk::kViolation);
  REQUIRE(violations.size() == 1);
  const auto& v = violations[0];
  CHECK(v.compound == "jinxiu");
  CHECK(v.to.empty());  // routed by config: market, copy to the 镇街
  CHECK(v.payload["company"] == "pm.jinxiu");
  CHECK(v.payload["source_case"] == disclosure.id);
  CHECK(v.payload["occurred_on"] == "2026-03-10");
  CHECK(v.payload["credit_points"] == 5);
  REQUIRE(v.payload["findings"].size() == 1);
  CHECK(v.payload["findings"][0]["fee_item"] == "物业服务费");
  CHECK(v.payload["findings"][0]["finding"] == "above_guided");
  CHECK(v.payload["findings"][0]["max_price_yuan"] == 1.80);
  CHECK_THAT(v.payload["findings"][0]["detail"].get<std::string>(), Catch::Contains("2.20") && Catch::Contains("1.80"));

  f.ctx.raised.clear();
  const auto violation = f.accept_follow_up(v);
  const auto credits = f.ctx.raised_of("governance.credit_event");
  REQUIRE(credits.size() == 1);
  CHECK(credits[0].compound == "jinxiu");
  CHECK(credits[0].to.empty());
  const Json& credit = credits[0].payload;
  CHECK(credit.size() == 6);
  CHECK(credit["company"] == "pm.jinxiu");
  CHECK(credit["points"] == -5);
  CHECK(credit["category"] == "price_violation");
  CHECK(credit["occurred_on"] == "2026-03-10");
  CHECK(credit["source_case"] == disclosure.id);
  CHECK_THAT(credit["reason"].get<std::string>(), Catch::Contains("物业服务费") && Catch::Contains("above_guided"));
  CHECK(f.ctx.load("credit_event").value_or(nullptr) == Json("governance.credit_event"));
  (void)violation;
}

TEST_CASE("a disclosure within the guided prices raises nothing", "[market][hooks]") {
  Fixture f;
  f.accept(mk::kGuidedPrice, "sd.xinzhou", "", guided_payload("A", 1.80));
  f.accept(mk::kDisclosure, "pm.jinxiu", "jinxiu", disclosure_payload(1.80));
  CHECK(f.ctx.raised.empty());
  CHECK(f.ctx.annex["price_check"]["above_guided"] == Json::array());

  // A table that starts later does not apply yet; with no table in force nothing is guided.
  Fixture g;
  Json later = guided_payload("A", 1.00);
  later["effective_from"] = "2026-09-01";
  g.accept(mk::kGuidedPrice, "sd.xinzhou", "", later);
  g.accept(mk::kDisclosure, "pm.jinxiu", "jinxiu", disclosure_payload(1.60));
  CHECK(g.ctx.raised.empty());
  CHECK(g.ctx.annex["guided_prices"]["status"] == "none set");
}

TEST_CASE("only the compound's own company publishes its prices", "[market][hooks]") {
  Fixture f;
  f.accept(mk::kGuidedPrice, "sd.xinzhou", "", guided_payload("A", 1.80));
  f.accept(mk::kDisclosure, "pm.anju", "jinxiu", disclosure_payload(2.50));
  CHECK_FALSE(f.global("published/jinxiu"));
  CHECK(f.ctx.raised.empty());
  CHECK((*f.ctx.load("disclosure"))["published"] == false);
  CHECK_THAT((*f.ctx.load("disclosure"))["why"].get<std::string>(), Catch::Contains("pm.anju is not the company"));
}

TEST_CASE("credit events follow the settings", "[market][hooks]") {
  SECTION("disabled: the violation is raised, no credit event") {
    Fixture f(Json{{"credit_event_type", ""}});
    f.accept(mk::kGuidedPrice, "sd.xinzhou", "", guided_payload("A", 1.80));
    f.accept(mk::kDisclosure, "pm.jinxiu", "jinxiu", disclosure_payload(2.20));
    const auto v = f.ctx.raised_of(mk::kViolation);
    REQUIRE(v.size() == 1);
    f.ctx.raised.clear();
    f.accept_follow_up(v[0]);
    CHECK(f.ctx.raised.empty());
    CHECK(f.ctx.load("credit_event").value_or(nullptr) == Json("disabled"));
  }
  SECTION("another type and points") {
    Fixture f(Json{{"credit_event_type", "county.credit"}, {"violation_points", 12}});
    f.accept(mk::kGuidedPrice, "sd.xinzhou", "", guided_payload("A", 1.80));
    f.accept(mk::kDisclosure, "pm.jinxiu", "jinxiu", disclosure_payload(2.20));
    const auto v = f.ctx.raised_of(mk::kViolation);
    REQUIRE(v.size() == 1);
    CHECK(v[0].payload["credit_points"] == 12);
    f.ctx.raised.clear();
    f.accept_follow_up(v[0]);
    REQUIRE(f.ctx.raised_of("county.credit").size() == 1);
    CHECK(f.ctx.raised_of("county.credit")[0].payload["points"] == -12);
  }
}

TEST_CASE("accounts: fee income from an item not published is a violation, common income is not", "[market][hooks]") {
  Fixture f;
  Json disclosure = disclosure_payload();
  disclosure["published_on"] = "2026-02-01";
  f.accept(mk::kDisclosure, "pm.jinxiu", "jinxiu", disclosure);

  const auto clean = f.accept(mk::kAccounts, "pm.jinxiu", "jinxiu", accounts_payload());
  CHECK(f.ctx.raised.empty());
  const auto table = f.global("accounts/jinxiu");
  REQUIRE(table);
  CHECK((*table)["2026-H1"]["source_case"] == clean.id);
  CHECK((*table)["2026-H1"]["income_total_yuan"] == 128000.50);

  Json p = accounts_payload();
  p["income_items"].push_back({{"name", "装修押金管理费"}, {"amount_yuan", 3000}, {"category", "fee"}});
  p["income_total_yuan"] = 131000.50;
  const auto refiled = f.accept(mk::kAccounts, "pm.jinxiu", "jinxiu", p);
  CHECK((*f.global("accounts/jinxiu"))["2026-H1"]["replaces_case"] == clean.id);
  const auto v = f.ctx.raised_of(mk::kViolation);
  REQUIRE(v.size() == 1);
  CHECK(v[0].payload["source_case"] == refiled.id);
  CHECK(v[0].payload["source_type"] == mk::kAccounts);
  CHECK(v[0].payload["credit_points"] == 5);
  REQUIRE(v[0].payload["findings"].size() == 1);
  CHECK(v[0].payload["findings"][0]["fee_item"] == "装修押金管理费");
  CHECK(v[0].payload["findings"][0]["finding"] == "not_published");
  CHECK(v[0].payload["findings"][0]["amount_yuan"] == 3000);
}

TEST_CASE("accounts of a compound with nothing published flag every fee item", "[market][hooks]") {
  Fixture f;
  f.accept(mk::kAccounts, "pm.anju", "huimin", accounts_payload());
  const auto v = f.ctx.raised_of(mk::kViolation);
  REQUIRE(v.size() == 1);
  CHECK(v[0].compound == "huimin");
  CHECK(v[0].payload["company"] == "pm.anju");
  REQUIRE(v[0].payload["findings"].size() == 1);  // 广告位租金 is common income
  CHECK_THAT(v[0].payload["findings"][0]["detail"].get<std::string>(),
             Catch::Contains("no price disclosure published"));

  // A disclosure that starts after the half does not cover it.
  Fixture g;
  Json disclosure = disclosure_payload();
  disclosure["published_on"] = "2026-07-01";
  g.accept(mk::kDisclosure, "pm.jinxiu", "jinxiu", disclosure);
  g.accept(mk::kAccounts, "pm.jinxiu", "jinxiu", accounts_payload());
  CHECK(g.ctx.raised_of(mk::kViolation).size() == 1);
}

TEST_CASE("a fee change takes effect only when the 镇街 and the zone group both approve", "[market][hooks]") {
  Fixture f;
  f.accept(mk::kGuidedPrice, "sd.xinzhou", "", guided_payload("A", 1.80));
  const auto disclosure = f.accept(mk::kDisclosure, "pm.jinxiu", "jinxiu", disclosure_payload(1.60));
  const auto change = f.accept(mk::kFeeChange, "pm.jinxiu", "jinxiu", fee_change_payload());
  CHECK(f.ctx.load("approvers").value_or(nullptr) == Json::array({"sd.xinzhou", "zg.zone01"}));

  // Progress notes and units whose consent is not needed decide nothing.
  f.ctx.current_case = change.id;
  REQUIRE(f.plugin.on_reply(f.ctx, change, {1, 900, "sd.xinzhou", false, "", {{"note", "研究中"}}}).ok());
  f.reply(change, "cgj", "approved");
  f.reply(change, "sd.xinzhou", "approved");
  CHECK(f.ctx.raised.empty());
  CHECK((*f.global("published/jinxiu"))["versions"].size() == 1);

  f.reply(change, "zg.zone01", "approved");
  const auto decisions = f.ctx.raised_of(mk::kDecision);
  REQUIRE(decisions.size() == 1);
  const auto& d = decisions[0];
  CHECK(d.to.empty());
  CHECK(d.cc == std::vector<std::string>{"pm.jinxiu", "market"});
  CHECK(d.payload["decision"] == "approved");
  CHECK(d.payload["fee_change_case"] == change.id);
  CHECK(d.payload["approved_by"] == Json::array({"sd.xinzhou", "zg.zone01"}));
  CHECK_FALSE(d.payload.contains("above_guided"));
  CHECK(f.plugin.validate({0, d.type, "plugin:market", "x", d.compound, d.payload}).empty());

  // The new list is published from its effective date; until then the old one stands.
  const auto published = f.global("published/jinxiu");
  REQUIRE((*published)["versions"].size() == 2);
  CHECK((*mk::in_force(published, "2026-06-30"))["source_case"] == disclosure.id);
  const auto from_july = *mk::in_force(published, "2026-07-01");
  CHECK(from_july["source_case"] == change.id);
  CHECK(from_july["fee_items"] == fee_change_payload()["fee_items"]);
  CHECK(from_july["repair_phone"] == "0476-4321234");  // kept from the disclosure

  // A late verdict changes nothing.
  f.ctx.raised.clear();
  f.reply(change, "zg.zone01", "refused", {{"reason", "改主意"}});
  CHECK(f.ctx.raised.empty());
  CHECK((*f.ctx.load("fee_change"))["decision"] == "approved");
}

TEST_CASE("a refusal by either stops the fee change and says why", "[market][hooks]") {
  Fixture f;
  f.accept(mk::kDisclosure, "pm.jinxiu", "jinxiu", disclosure_payload(1.60));
  Json above = fee_change_payload();
  above["fee_items"][0]["price_yuan"] = 2.40;
  const auto change = f.accept(mk::kFeeChange, "pm.jinxiu", "jinxiu", above);
  f.reply(change, "zg.zone01", "refused", {{"reason", "未经业主大会同意"}});
  const auto decisions = f.ctx.raised_of(mk::kDecision);
  REQUIRE(decisions.size() == 1);
  CHECK(decisions[0].payload["decision"] == "refused");
  CHECK(decisions[0].payload["refused_by"] == "zg.zone01");
  CHECK(decisions[0].payload["reason"] == "未经业主大会同意");
  CHECK(decisions[0].cc == std::vector<std::string>{"pm.jinxiu", "market"});
  CHECK(f.plugin.validate({0, mk::kDecision, "plugin:market", "x", "jinxiu", decisions[0].payload}).empty());

  f.ctx.raised.clear();
  f.reply(change, "sd.xinzhou", "approved");
  CHECK(f.ctx.raised.empty());
  CHECK((*f.global("published/jinxiu"))["versions"].size() == 1);  // unchanged
}

TEST_CASE("an approved fee change above the guided price is flagged to market regulation", "[market][hooks]") {
  Fixture f;
  f.accept(mk::kGuidedPrice, "sd.xinzhou", "", guided_payload("A", 1.80));
  Json above = fee_change_payload();
  above["fee_items"][0]["price_yuan"] = 2.40;
  const auto change = f.accept(mk::kFeeChange, "pm.jinxiu", "jinxiu", above);
  f.reply(change, "sd.xinzhou", "approved");
  f.reply(change, "zg.zone01", "approved");
  const auto decisions = f.ctx.raised_of(mk::kDecision);
  REQUIRE(decisions.size() == 1);
  REQUIRE(decisions[0].payload["above_guided"].size() == 1);
  CHECK(decisions[0].payload["above_guided"][0]["fee_item"] == "物业服务费");
}

TEST_CASE("a complaint carries the published and guided prices, an unpublished fee item is a violation",
          "[market][hooks]") {
  Fixture f;
  f.accept(mk::kGuidedPrice, "sd.xinzhou", "", guided_payload("A", 1.80));
  f.accept(mk::kDisclosure, "pm.jinxiu", "jinxiu", disclosure_payload(1.60));
  f.ctx.raised.clear();
  f.ctx.annex = Json::object();

  f.accept(mk::kComplaint, "community.jianshe", "jinxiu", complaint_payload("停车管理费"));
  CHECK(f.ctx.annex["published_prices"]["status"] == "published");
  CHECK(f.ctx.annex["published_prices"]["fee_items"] == disclosure_payload(1.60)["fee_items"]);
  CHECK(f.ctx.annex["guided_prices"]["status"] == "set");
  CHECK(f.ctx.annex["guided_prices"]["class"] == "A");
  CHECK(f.ctx.annex["guided_prices"]["items"] == guided_payload("A", 1.80)["items"]);
  CHECK(f.ctx.annex["fee_item_check"] ==
        Json({{"fee_item", "停车管理费"}, {"published", true}, {"published_price_yuan", 80}, {"unit", "元/车位·月"}}));
  CHECK(f.ctx.raised.empty());

  f.ctx.annex = Json::object();
  const auto complaint = f.accept(mk::kComplaint, "community.jianshe", "jinxiu", complaint_payload("垃圾清运费"));
  CHECK(f.ctx.annex["fee_item_check"]["published"] == false);
  const auto v = f.ctx.raised_of(mk::kViolation);
  REQUIRE(v.size() == 1);
  CHECK(v[0].payload["source_case"] == complaint.id);
  CHECK(v[0].payload["findings"][0]["fee_item"] == "垃圾清运费");
  CHECK(v[0].payload["credit_points"] == 0);  // an unverified lead: no credit deduction by default
  f.ctx.raised.clear();
  f.accept_follow_up(v[0]);
  CHECK(f.ctx.raised.empty());

  // A complaint without a fee item gets the prices and raises nothing.
  f.ctx.annex = Json::object();
  f.accept(mk::kComplaint, "cgj", "jinxiu", complaint_payload());
  CHECK(f.ctx.annex.contains("published_prices"));
  CHECK_FALSE(f.ctx.annex.contains("fee_item_check"));
  CHECK(f.ctx.raised.empty());
}

TEST_CASE("a complaint about a compound with nothing published says so", "[market][hooks]") {
  Fixture f(Json{{"credit_for_complaints", true}});
  f.accept(mk::kComplaint, "community.huimin", "huimin", complaint_payload("物业服务费"));
  CHECK(f.ctx.annex["published_prices"] == Json({{"status", "none published"}}));
  CHECK(f.ctx.annex["guided_prices"] == Json({{"status", "none set"}, {"subdistrict", "sd.huizhou"}, {"class", "C"}}));
  const auto v = f.ctx.raised_of(mk::kViolation);
  REQUIRE(v.size() == 1);
  CHECK(v[0].payload["credit_points"] == 5);  // the setting turns credit on for complaints
  CHECK_THAT(v[0].payload["findings"][0]["detail"].get<std::string>(), Catch::Contains("none published"));

  // A compound without a company (custody by the 镇街): nobody to hold to account.
  f.ctx.raised.clear();
  f.accept(mk::kComplaint, "community.huimin", "gongxiao", complaint_payload("物业服务费"));
  CHECK(f.ctx.raised.empty());
  CHECK(f.ctx.annex["published_prices"]["status"] == "none published");
}

TEST_CASE("a hook for a compound the directory no longer has answers an error, to be retried and parked",
          "[market][hooks]") {
  Fixture f;
  auto c = f.make(mk::kDisclosure, "pm.jinxiu", "gone", disclosure_payload());
  const auto s = f.plugin.on_accepted(f.ctx, c);
  CHECK(s.is_error());
  CHECK_THAT(s.message(), Catch::Contains("'gone'"));
  CHECK(f.ctx.raised.empty());
}
