// Key files as keys::write makes them: modes whatever the umask, never over an
// existing file or through a symbolic link unless asked, only for unit ids.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "keys/key_file.h"
#include "private_dir.h"

namespace fs = std::filesystem;
using hub::StatusCode;
namespace keys = hub::keys;
using hub::testing::mode_of;
using hub::testing::PrivateDir;

namespace {

std::string contents(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

keys::KeyPair fresh() { return keys::generate().value(); }

// Sets the umask for one scope.
struct Umask {
  explicit Umask(mode_t mask) : previous(::umask(mask)) {}
  ~Umask() { ::umask(previous); }
  mode_t previous;
};

}  // namespace

TEST_CASE("a key pair is written 0600 (secret) and 0644 (public) whatever the umask", "[keys]") {
  PrivateDir dir;
  for (mode_t mask : {mode_t{0}, mode_t{022}, mode_t{077}}) {
    Umask umask(mask);
    const std::string unit = "pm.u" + std::to_string(mask);
    REQUIRE(keys::write(dir.path("keys"), unit, fresh()).ok());
    CHECK(mode_of(dir.path("keys/" + unit + ".key")) == 0600);
    CHECK(mode_of(dir.path("keys/" + unit + ".pub")) == 0644);
  }
}

TEST_CASE("an existing pair is kept unless replacing is asked for", "[keys]") {
  PrivateDir dir;
  const auto first = fresh();
  REQUIRE(keys::write(dir.path("k"), "registry", first).ok());
  const std::string before = contents(dir.path("k/registry.key"));
  const hub::Status again = keys::write(dir.path("k"), "registry", fresh());
  CHECK(again.code() == StatusCode::kConflict);
  CHECK_THAT(again.message(), Catch::Contains(dir.path("k/registry.key") + " exists already") &&
                                  Catch::Contains("--force"));
  CHECK(contents(dir.path("k/registry.key")) == before);

  // Only the public half there: still refused, and no secret is written beside it.
  fs::remove(dir.path("k/registry.key"));
  CHECK(keys::write(dir.path("k"), "registry", fresh()).code() == StatusCode::kConflict);
  CHECK_FALSE(fs::exists(dir.path("k/registry.key")));

  const auto second = fresh();
  REQUIRE(keys::write(dir.path("k"), "registry", second, keys::Replace::kYes).ok());
  CHECK(keys::read(dir.path("k/registry.key"))->secret_key == second.secret_key);
  CHECK(keys::read(dir.path("k/registry.pub"))->public_key == second.public_key);
  CHECK(mode_of(dir.path("k/registry.key")) == 0600);
}

TEST_CASE("a symbolic link where a key file goes is never written through", "[keys]") {
  PrivateDir dir;
  fs::create_directories(dir.path("k"));
  std::ofstream(dir.path("target")) << "someone else's file\n";
  fs::create_symlink(dir.path("target"), dir.path("k/pm.a.key"));
  fs::create_symlink(dir.path("nowhere"), dir.path("k/pm.b.key"));  // dangling: would create its target

  for (const char* unit : {"pm.a", "pm.b"}) {
    const hub::Status s = keys::write(dir.path("k"), unit, fresh());
    CHECK(s.code() == StatusCode::kConflict);
    CHECK_THAT(s.message(), Catch::Contains("a symbolic link"));
  }
  CHECK(contents(dir.path("target")) == "someone else's file\n");
  CHECK_FALSE(fs::exists(dir.path("nowhere")));

  // Replacing removes the link itself, never what it points to.
  REQUIRE(keys::write(dir.path("k"), "pm.a", fresh(), keys::Replace::kYes).ok());
  CHECK(contents(dir.path("target")) == "someone else's file\n");
  CHECK_FALSE(fs::is_symlink(dir.path("k/pm.a.key")));
  CHECK(mode_of(dir.path("k/pm.a.key")) == 0600);
}

TEST_CASE("only unit ids name key files", "[keys]") {
  PrivateDir dir;
  for (const char* bad : {"", "../hub", "a/b", "Registry", "pm a", "单位"}) {
    const hub::Status s = keys::write(dir.path("k"), bad, fresh());
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK_THAT(s.message(), Catch::Contains("is not a unit id"));
  }
  CHECK_FALSE(fs::exists(dir.path("k")));
  CHECK_FALSE(fs::exists(dir.path("hub.key")));
}
