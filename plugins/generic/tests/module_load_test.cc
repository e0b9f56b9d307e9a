#include <catch2/catch.hpp>

#include "hub/abi.h"
#include "plugin_host/module_loader.h"
#include "plugin_host/settings_check.h"

// Loads the real generic.so through the host's loader, as hubd does.
TEST_CASE("the generic module loads, checks settings and validates", "[generic][module]") {
  auto loaded = hub::plugin_host::load_plugin(GENERIC_MODULE_PATH);
  REQUIRE(loaded.ok());
  hub::Plugin& plugin = ***loaded;
  auto info = plugin.info();
  CHECK(info.name == "generic");

  auto missing = hub::plugin_host::check_settings(info.settings, hub::Json::object(), "plugin generic");
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.status().message(), Catch::Contains("'case_types'") && Catch::Contains("required"));

  auto settings = hub::plugin_host::check_settings(
      info.settings, hub::Json::parse(R"({"case_types": {"a.b": {"name": "测试", "fields": {"n": {"type": "integer", "required": true}}}}})"),
      "plugin generic");
  REQUIRE(settings.ok());
  REQUIRE(plugin.configure(*settings).ok());
  hub::CaseView c;
  c.type = "a.b";
  c.payload = {{"n", "x"}};
  auto problems = plugin.validate(c);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].pointer == "/n");
}
