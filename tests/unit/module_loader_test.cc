#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "hub/abi.h"
#include "plugin_host/module_loader.h"
#include "plugin_host/settings_check.h"

namespace ph = hub::plugin_host;

TEST_CASE("a missing plugin file is refused with the path and what to check", "[plugin_host]") {
  auto r = ph::load_plugin("/nonexistent/dir/ghost.so");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == hub::StatusCode::kNotFound);
  CHECK_THAT(r.status().message(), Catch::Contains("/nonexistent/dir/ghost.so") && Catch::Contains("does not exist"));
}

TEST_CASE("a plugin of another ABI version is refused before anything else in it is called", "[plugin_host]") {
  // test_wrong_abi.so traps if hub_create_plugin were ever called.
  auto r = ph::load_plugin(ph::resolve_module_path("test_wrong_abi", HUB_MODULE_DIR));
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Catch::Contains("test_wrong_abi.so") && Catch::Contains("0123456789abcdef") &&
                                        Catch::Contains(hub::kAbiVersion) && Catch::Contains("rebuild"));
}

TEST_CASE("a corrupt file is refused as not loadable", "[plugin_host]") {
  const auto path = std::filesystem::temp_directory_path() / "xh-corrupt-plugin.so";
  std::ofstream(path) << "this is not an ELF file";
  auto r = ph::load_plugin(path.string());
  std::filesystem::remove(path);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Catch::Contains("cannot be loaded"));
}

TEST_CASE("an adapter is not a plugin: the missing symbol is named", "[plugin_host]") {
  auto r = ph::load_plugin(ph::resolve_module_path("zmq", HUB_MODULE_DIR));
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Catch::Contains("hub_create_plugin"));
}

TEST_CASE("settings are checked against the declarations: unknown, wrong type, missing, defaults", "[plugin_host]") {
  std::vector<hub::SettingDecl> decls = {{"timeout", hub::SettingType::kInt, 30, false, "seconds"},
                                         {"name", hub::SettingType::kString, nullptr, true, "who"}};
  auto ok = ph::check_settings(decls, {{"name", "x"}}, "plugin p");
  REQUIRE(ok.ok());
  CHECK((*ok)["timeout"] == 30);
  auto bad = ph::check_settings(decls, {{"timout", 5}, {"timeout", "soon"}}, "plugin p");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Catch::Contains("unknown setting 'timout'") &&
                                         Catch::Contains("'timeout' must be of type integer") &&
                                         Catch::Contains("'name' (string) is required"));
}
