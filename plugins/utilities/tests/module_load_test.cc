// Loads the real utilities.so through the host's loader, as hubd does.
#include <catch2/catch.hpp>

#include "plugin_host/module_loader.h"
#include "plugin_host/settings_check.h"

TEST_CASE("the utilities module loads, fills default settings, refuses bad ones and validates", "[utilities][module]") {
  auto loaded = hub::plugin_host::load_plugin(UTILITIES_MODULE_PATH);
  REQUIRE(loaded.ok());
  hub::Plugin& plugin = ***loaded;
  const auto info = plugin.info();
  CHECK(info.name == "utilities");
  CHECK(info.has_hooks);
  REQUIRE(info.settings.size() == 2);
  CHECK(info.settings[0].name == "checklist");
  CHECK(info.settings[1].name == "utility_units");

  auto unknown = hub::plugin_host::check_settings(info.settings, {{"checklists", hub::Json::object()}}, "plugin utilities");
  REQUIRE_FALSE(unknown.ok());
  CHECK_THAT(unknown.status().message(), Catch::Contains("unknown setting 'checklists'"));

  auto bad = hub::plugin_host::check_settings(info.settings, {{"checklist", {{"roads", {{"name", "道路"}}}}}},
                                              "plugin utilities");
  REQUIRE(bad.ok());
  const hub::Status refused = plugin.configure(*bad);
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.message(), Catch::Contains("checklist item 'roads': 'unit'"));

  auto defaults = hub::plugin_host::check_settings(info.settings, hub::Json::object(), "plugin utilities");
  REQUIRE(defaults.ok());
  CHECK((*defaults)["checklist"].size() == 20);
  REQUIRE(plugin.configure(*defaults).ok());

  const auto types = plugin.case_types();
  REQUIRE(types.size() == 9);
  CHECK(types[0].id == "utilities.joint_acceptance");
  CHECK(types[0].display_name == "联合验收");
  for (const auto& t : types) {
    INFO(t.id);
    CHECK(t.id.starts_with("utilities."));
    CHECK_FALSE(t.display_name.empty());
    CHECK_FALSE(t.fields.empty());
  }

  hub::CaseView c{0, "utilities.joint_acceptance", "zjj", "R-1", "jinxiu",
                  {{"acceptance_id", "A-1"}, {"project", "P"}, {"developer", "D"}, {"requested_on", "2026-03-01"},
                   {"items", {"water_network", "helipad"}}}};
  auto problems = plugin.validate(c);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].pointer == "/items/1");
  CHECK(problems[0].reason == "unknown checklist item 'helipad'");
  auto reply = plugin.validate_reply("utilities.acceptance_item", {1, 2, "fire", true, "failed", {{"must_act", "developer"}}});
  REQUIRE(reply.size() == 1);
  CHECK(reply[0].pointer == "/defects");
}
