// Loads the real market.so through the host's loader, as hubd does.
#include <catch2/catch.hpp>

#include "hub/abi.h"
#include "payloads.h"
#include "plugin_host/module_loader.h"
#include "plugin_host/settings_check.h"

using hub::Json;

TEST_CASE("the market module loads, checks settings, declares its types and validates", "[market][module]") {
  auto loaded = hub::plugin_host::load_plugin(MARKET_MODULE_PATH);
  REQUIRE(loaded.ok());
  hub::Plugin& plugin = ***loaded;
  const auto info = plugin.info();
  CHECK(info.name == "market");
  CHECK(info.has_hooks);

  auto unknown = hub::plugin_host::check_settings(info.settings, Json({{"points", 3}}), "plugin market");
  REQUIRE_FALSE(unknown.ok());
  CHECK_THAT(unknown.status().message(),
             Catch::Contains("unknown setting 'points'") && Catch::Contains("violation_points"));
  auto mistyped = hub::plugin_host::check_settings(info.settings, Json({{"violation_points", "5"}}), "plugin market");
  REQUIRE_FALSE(mistyped.ok());

  auto zero = hub::plugin_host::check_settings(info.settings, Json({{"violation_points", 0}}), "plugin market");
  REQUIRE(zero.ok());
  CHECK_THAT(plugin.configure(*zero).message(), Catch::Contains("positive"));

  auto defaults = hub::plugin_host::check_settings(info.settings, Json::object(), "plugin market");
  REQUIRE(defaults.ok());
  CHECK((*defaults)["credit_event_type"] == "governance.credit_event");
  REQUIRE(plugin.configure(*defaults).ok());

  std::map<std::string, hub::CaseTypeDecl> types;
  for (auto& t : plugin.case_types()) types[t.id] = t;
  CHECK(types.size() == 7);
  CHECK(types.at("market.guided_price").display_name == "政府指导价调整");
  CHECK(types.at("market.price_disclosure").display_name == "物业服务收费公示");
  CHECK(types.at("market.half_year_accounts").display_name == "半年度收支公示");
  CHECK(types.at("market.fee_change").display_name == "收费标准调整申请");
  CHECK(types.at("market.fee_change_decision").display_name == "收费调整结果通知");
  CHECK(types.at("market.price_complaint").display_name == "物业收费投诉");
  CHECK(types.at("market.price_violation").display_name == "价格违规线索");
  CHECK(types.at("market.price_complaint").enriched);
  CHECK(types.at("market.price_disclosure").enriched);
  CHECK_FALSE(types.at("market.fee_change").enriched);

  hub::CaseView c{0, "market.price_disclosure", "pm.jinxiu", "r", "jinxiu", market_test::disclosure_payload()};
  CHECK(plugin.validate(c).empty());
  c.payload["fee_items"][1]["price_yuan"] = -1;
  const auto problems = plugin.validate(c);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].pointer == "/fee_items/1/price_yuan");
  CHECK(plugin.validate_reply("market.fee_change", {1, 1, "zg.zone01", true, "refused", Json::object()}).size() == 1);
}
