// Loads the real court.so through the host's loader, as hubd does.
#include <catch2/catch.hpp>

#include "dossiers.h"
#include "plugin_host/module_loader.h"
#include "plugin_host/settings_check.h"

using hub::Json;

TEST_CASE("the court module loads, checks its settings, declares its types and validates", "[court][module]") {
  auto loaded = hub::plugin_host::load_plugin(COURT_MODULE_PATH);
  REQUIRE(loaded.ok());
  hub::Plugin& plugin = ***loaded;
  const auto info = plugin.info();
  CHECK(info.name == "court");
  CHECK(info.has_hooks);

  // Defaults fill in; unknown keys and wrong types are refused by the host.
  auto defaults = hub::plugin_host::check_settings(info.settings, Json::object(), "plugin court");
  REQUIRE(defaults.ok());
  CHECK((*defaults)["min_written_reminders"] == 1);
  CHECK((*defaults)["court_unit"] == "court");
  CHECK((*defaults)["forbidden_collection_measures"] == Json({"cut_water", "cut_power", "cut_heating", "cut_gas"}));
  auto unknown = hub::plugin_host::check_settings(info.settings, {{"min_reminders", 1}}, "plugin court");
  REQUIRE_FALSE(unknown.ok());
  CHECK_THAT(unknown.status().message(), Catch::Contains("unknown setting 'min_reminders'"));
  auto mistyped = hub::plugin_host::check_settings(info.settings, {{"min_written_reminders", "one"}}, "plugin court");
  REQUIRE_FALSE(mistyped.ok());
  CHECK_THAT(mistyped.status().message(), Catch::Contains("'min_written_reminders' must be of type integer"));

  // The plugin's own checks, across the library boundary.
  auto zero = hub::plugin_host::check_settings(info.settings, {{"min_written_reminders", 0}}, "plugin court");
  REQUIRE(zero.ok());
  CHECK_FALSE(plugin.configure(*zero).ok());
  REQUIRE(plugin.configure(*defaults).ok());

  const auto types = plugin.case_types();
  REQUIRE(types.size() == 2);
  CHECK(types[0].id == "court.arrears_referral");
  CHECK(types[1].id == "court.status_notice");

  hub::CaseView c{0, "court.arrears_referral", "pm.jinxiu", "JX-1", "jinxiu", court_test::complete_dossier()};
  CHECK(plugin.validate(c).empty());
  c.payload = court_test::incomplete_dossier();
  CHECK(plugin.validate(c).size() == 5);

  CHECK(plugin.validate_reply("court.arrears_referral", {1, 2, "court", false, "", {{"status", "accepted"}}})[0].pointer ==
        "/case_number");
}
