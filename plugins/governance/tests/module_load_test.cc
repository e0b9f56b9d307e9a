// Loads the real governance.so through the host's loader, as hubd does.
#include <catch2/catch.hpp>

#include "hub/abi.h"
#include "plugin_host/module_loader.h"
#include "plugin_host/settings_check.h"

TEST_CASE("the governance module loads, checks settings, declares its types and validates", "[governance][module]") {
  auto loaded = hub::plugin_host::load_plugin(GOVERNANCE_MODULE_PATH);
  REQUIRE(loaded.ok());
  hub::Plugin& plugin = ***loaded;
  const auto info = plugin.info();
  CHECK(info.name == "governance");
  CHECK(info.has_hooks);

  auto wrong = hub::plugin_host::check_settings(info.settings, {{"credit_red_list_at", "high"}, {"colour", 1}},
                                                "plugin governance");
  REQUIRE_FALSE(wrong.ok());
  CHECK_THAT(wrong.status().message(), Catch::Contains("unknown setting 'colour'") &&
                                           Catch::Contains("'credit_red_list_at' must be of type integer"));

  auto refused = hub::plugin_host::check_settings(info.settings, {{"credit_red_list_at", 50}}, "plugin governance");
  REQUIRE(refused.ok());
  CHECK_THAT(plugin.configure(*refused).message(), Catch::Contains("credit_red_list_at"));

  auto settings = hub::plugin_host::check_settings(info.settings, hub::Json::object(), "plugin governance");
  REQUIRE(settings.ok());
  REQUIRE(plugin.configure(*settings).ok());

  std::map<std::string, hub::CaseTypeDecl> types;
  for (auto& t : plugin.case_types()) types.emplace(t.id, t);
  CHECK(types.size() == 12);
  CHECK(types.at("complaint.general").display_name == "小区综合投诉");
  CHECK(types.at("governance.credit_query").enriched);
  CHECK(types.at("governance.fund_decision").enriched);
  CHECK_FALSE(types.at("governance.credit_event").enriched);
  CHECK(types.at("governance.oc_election_filing").display_name == "业主委员会选举备案");

  hub::CaseView c{0, "governance.fund_decision", "community.jianshe", "r", "jinxiu",
                  {{"matter", "fund_use"}, {"description", "x"}, {"total_area_m2", 300}, {"total_owners", 3},
                   {"consenting_area_m2", 199}, {"consenting_owners", 2}, {"voting_closed_on", "2026-03-01"},
                   {"amount_yuan", 1000}}};
  auto problems = plugin.validate(c);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].pointer == "/consenting_area_m2");
  CHECK_THAT(problems[0].reason, Catch::Contains("66.33%") && Catch::Contains("at least 2/3"));

  auto reply = plugin.validate_reply("governance.fund_query", {1, 1, "zjj", true, "answered", {{"as_of", "2026-03-01"}}});
  REQUIRE(reply.size() == 1);
  CHECK(reply[0].pointer == "/balance_yuan");
}
