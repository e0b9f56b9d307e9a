// The plugin's settings: the seed's defaults, and settings refused at configure
// with a message naming the setting.
#include <catch2/catch.hpp>

#include "test_settings.h"

using namespace hub::governance;
using namespace hub::governance::testing;
using hub::Json;

namespace {

std::string configure_error(const Json& overrides) {
  GovernancePlugin plugin;
  const hub::Status s = plugin.configure(settings_with(overrides));
  return s.ok() ? "" : s.message();
}

}  // namespace

TEST_CASE("the defaults are the seed's thresholds and the provisional category table", "[governance][settings]") {
  const auto plugin = configured();
  const Settings& s = plugin.settings();
  const Threshold& use = s.thresholds.at("fund_use");
  CHECK(use.area.text == "2/3");
  CHECK(use.owners.text == "2/3");
  CHECK_FALSE(use.strict);
  CHECK_FALSE(use.quorum);
  CHECK(s.thresholds.at("rebuild").area.text == "2/3");
  CHECK(s.thresholds.at("fund_raise").owners.text == "2/3");
  const Threshold& other = s.thresholds.at("other_major");
  CHECK(other.area.text == "1/2");
  CHECK(other.strict);
  CHECK(s.public_notice_matters == std::set<std::string>{"fund_use"});
  CHECK(s.complaint_categories.at("sanitation") == "环境卫生和市容");
  CHECK(s.complaint_categories.count("service") == 1);
  CHECK(s.credit.initial_points == 100);
  CHECK(s.credit.status_notice_to == std::vector<std::string>{"cgj", "bidding"});
}

TEST_CASE("fractions are written n/d or as a number in (0, 1]", "[governance][settings]") {
  CHECK(parse_fraction("2/3")->value() == Approx(2.0 / 3));
  CHECK(parse_fraction(0.75)->text == "0.75");
  CHECK(parse_fraction("3/4")->denominator == 4);
  CHECK_FALSE(parse_fraction("4/3"));
  CHECK_FALSE(parse_fraction("0/3"));
  CHECK_FALSE(parse_fraction("2/0"));
  CHECK_FALSE(parse_fraction("two thirds"));
  CHECK_FALSE(parse_fraction("2/3x"));
  CHECK_FALSE(parse_fraction(1.5));
  CHECK_FALSE(parse_fraction(true));
}

TEST_CASE("bad settings are refused at configure, naming the setting", "[governance][settings]") {
  Json thresholds = settings_with()["thresholds"];
  thresholds.erase("rebuild");
  CHECK_THAT(configure_error({{"thresholds", thresholds}}), Catch::Contains("'rebuild' has no threshold"));

  thresholds = settings_with()["thresholds"];
  thresholds["fund_use"]["area"] = "two thirds";
  CHECK_THAT(configure_error({{"thresholds", thresholds}}), Catch::Contains("thresholds.fund_use.area"));

  thresholds = settings_with()["thresholds"];
  thresholds["demolition"] = thresholds["rebuild"];
  CHECK_THAT(configure_error({{"thresholds", thresholds}}), Catch::Contains("thresholds.demolition") &&
                                                               Catch::Contains("unknown matter"));

  thresholds = settings_with()["thresholds"];
  thresholds["fund_use"]["majority"] = true;
  CHECK_THAT(configure_error({{"thresholds", thresholds}}), Catch::Contains("unknown key 'majority'"));

  thresholds = settings_with()["thresholds"];
  thresholds["fund_use"]["quorum"] = {{"area", "2/3"}};
  CHECK_THAT(configure_error({{"thresholds", thresholds}}), Catch::Contains("thresholds.fund_use.quorum"));

  CHECK_THAT(configure_error({{"public_notice_matters", {"fund_use", "everything"}}}),
             Catch::Contains("public_notice_matters") && Catch::Contains("'everything'"));
  CHECK_THAT(configure_error({{"credit_black_list_at", 100}}),
             Catch::Contains("credit_black_list_at < credit_initial_points < credit_red_list_at"));
  CHECK_THAT(configure_error({{"credit_max_points_per_event", 0}}), Catch::Contains("credit_max_points_per_event"));
  CHECK_THAT(configure_error({{"complaint_categories", Json::object()}}), Catch::Contains("at least one category"));
  CHECK_THAT(configure_error({{"complaint_categories", {{"noise", 3}}}}), Catch::Contains("complaint_categories.noise"));
  CHECK_THAT(configure_error({{"oc_members_min", 12}}), Catch::Contains("oc_members_min"));
  CHECK_THAT(configure_error({{"credit_status_notice_to", {"cgj", ""}}}), Catch::Contains("credit_status_notice_to"));
}

TEST_CASE("a Civil Code style threshold with a participation quorum is accepted", "[governance][settings]") {
  Json thresholds = settings_with()["thresholds"];
  thresholds["fund_use"] = {{"area", "3/4"}, {"owners", "3/4"}, {"quorum", {{"area", "2/3"}, {"owners", "2/3"}}}};
  const auto plugin = configured({{"thresholds", thresholds}});
  const Threshold& t = plugin.settings().thresholds.at("fund_use");
  REQUIRE(t.quorum);
  CHECK(t.quorum->area.text == "2/3");
  CHECK(t.area.text == "3/4");
}
