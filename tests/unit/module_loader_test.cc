#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "hub/abi.h"
#include "plugin_host/module_file_check.h"
#include "plugin_host/module_loader.h"
#include "plugin_host/settings_check.h"
#include "private_dir.h"

namespace ph = hub::plugin_host;
namespace fs = std::filesystem;
using hub::testing::PrivateDir;

namespace {

// Copies the built module `name` into `dir`, mode 0755; its path.
std::string copy_module(const hub::testing::PrivateDir& dir, const std::string& name) {
  const std::string to = dir.path(name + ".so");
  fs::copy_file(ph::resolve_module_path(name, HUB_MODULE_DIR), to, fs::copy_options::overwrite_existing);
  fs::permissions(to, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                          fs::perms::others_exec);
  return to;
}

}  // namespace

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
  PrivateDir dir;
  const auto path = dir.path("xh-corrupt-plugin.so");
  std::ofstream(path) << "this is not an ELF file";
  auto r = ph::load_plugin(path);
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

TEST_CASE("a module or module folder others may write is refused before it is loaded", "[plugin_host][hardening]") {
  PrivateDir dir;
  const std::string module = copy_module(dir, "generic");
  REQUIRE(ph::load_plugin(module).ok());

  REQUIRE(::chmod(dir.path().c_str(), 0775) == 0);  // a group-writable folder
  auto r = ph::load_plugin(module);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == hub::StatusCode::kPermissionDenied);
  CHECK_THAT(r.status().message(), Catch::Contains(module) && Catch::Contains("its folder " + dir.path()) &&
                                        Catch::Contains("mode 0775") && Catch::Contains("chmod go-w " + dir.path()));
  REQUIRE(::chmod(dir.path().c_str(), 0700) == 0);

  REQUIRE(::chmod(module.c_str(), 0757) == 0);  // a world-writable file
  auto as_adapter = ph::load_adapter(module);
  REQUIRE_FALSE(as_adapter.ok());
  CHECK_THAT(as_adapter.status().message(),
             Catch::StartsWith("adapter file " + module) && Catch::Contains("chmod go-w " + module));
  REQUIRE(::chmod(module.c_str(), 0755) == 0);

  // Through a symbolic link, the file and folder it leads to are checked.
  PrivateDir open;
  REQUIRE(::chmod(open.path().c_str(), 0777) == 0);
  const std::string real = copy_module(open, "generic");
  fs::create_symlink(real, dir.path("linked.so"));
  r = ph::load_plugin(dir.path("linked.so"));
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Catch::Contains("chmod go-w " + open.path()));

  if (::geteuid() == 0) {  // only root can hand a file to someone else
    REQUIRE(::chown(module.c_str(), 4000003, 4000003) == 0);
    r = ph::load_plugin(module);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("belongs to uid 4000003") && Catch::Contains("chown root " + module));
  }
}

TEST_CASE("a pinned module loads only when its SHA-256 matches the pin", "[plugin_host][hardening]") {
  PrivateDir dir;
  std::ofstream(dir.path("abc")) << "abc";
  CHECK(ph::file_sha256(dir.path("abc")).value() ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // FIPS 180-2's example

  const std::string module = copy_module(dir, "generic");
  auto hashed = ph::file_sha256(module);
  REQUIRE(hashed.ok());
  const std::string pin = hashed.value();
  CHECK(ph::load_plugin(module, pin).ok());
  const std::string wrong(64, '0');
  auto r = ph::load_plugin(module, wrong);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == hub::StatusCode::kInvalidArgument);
  CHECK_THAT(r.status().message(), Catch::Contains("does not match its pin") && Catch::Contains(pin) &&
                                        Catch::Contains(wrong) && Catch::Contains("sha256sum"));
}
