// Who may use the operator socket and how they are named: the kernel's
// credentials of a real socket, the access rule, the socket's folder on a real
// file system, and what a failed connect means to the person at hubctl.
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "ops/local_socket.h"
#include "ops/operator_access.h"
#include "ops/operator_client.h"
#include "ops/peer_identity.h"
#include "private_dir.h"

namespace fs = std::filesystem;
using hub::StatusCode;
using hub::ops::OperatorAccess;
using hub::ops::PeerCredentials;
using hub::testing::mode_of;
using hub::testing::PrivateDir;

namespace {

PeerCredentials peer(uid_t uid, gid_t gid, std::vector<gid_t> groups = {}) {
  PeerCredentials p;
  p.uid = uid;
  p.gid = gid;
  p.groups = std::move(groups);
  return p;
}

}  // namespace

TEST_CASE("the kernel names the peer of a local socket: uid, gid, pid and the session's login", "[ops][identity]") {
  int pair[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
  hub::ops::UniqueFd a(pair[0]), b(pair[1]);
  auto me = hub::ops::peer_credentials(a.get());
  REQUIRE(me.ok());
  CHECK(me->uid == ::geteuid());
  CHECK(me->gid == ::getegid());
  CHECK(me->pid == ::getpid());
  std::ifstream in("/proc/self/loginuid");
  std::string recorded;
  std::getline(in, recorded);
  CHECK(me->login_uid == hub::ops::parse_login_uid(recorded));
}

TEST_CASE("a login uid is a number below 4294967295, which means none", "[ops][identity]") {
  CHECK(hub::ops::parse_login_uid("1000") == 1000u);
  CHECK(hub::ops::parse_login_uid("0\n") == 0u);
  CHECK_FALSE(hub::ops::parse_login_uid("4294967295"));
  CHECK_FALSE(hub::ops::parse_login_uid(""));
  CHECK_FALSE(hub::ops::parse_login_uid("12x"));
  CHECK_FALSE(hub::ops::parse_login_uid("-1"));
}

TEST_CASE("an operator is named by login, with the session's login when someone else", "[ops][identity]") {
  const std::string root = hub::ops::user_name(0);
  CHECK(root == ::getpwuid(0)->pw_name);
  CHECK(hub::ops::user_name(4000000) == "uid 4000000");  // in no user database
  CHECK(hub::ops::operator_name(0, std::nullopt) == root);
  CHECK(hub::ops::operator_name(0, 0u) == root);
  CHECK(hub::ops::operator_name(0, 4000000u) == "uid 4000000 (as " + root + ")");
}

TEST_CASE("without an operator group only root and the hub's user operate, with one, its members too", "[ops][access]") {
  const OperatorAccess alone(1000, std::nullopt, "");
  CHECK(alone.admits(peer(1000, 1000)));
  CHECK(alone.admits(peer(0, 0)));
  CHECK_FALSE(alone.admits(peer(1001, 500, {500})));
  CHECK_THAT(alone.refusal(peer(4000001, 500)), Catch::Contains("uid 4000001 is not an operator") &&
                                                    Catch::Contains("hub.operator_group is not set"));

  const OperatorAccess group(1000, 500, "xh-operators");
  CHECK(group.admits(peer(1000, 1000)));
  CHECK(group.admits(peer(1001, 500)));             // the group is the peer's primary group
  CHECK(group.admits(peer(1002, 100, {27, 500})));  // or one of its other groups
  CHECK_FALSE(group.admits(peer(1003, 100, {27})));
  CHECK_THAT(group.refusal(peer(4000001, 100)), Catch::Contains("usermod -aG xh-operators uid 4000001"));
}

TEST_CASE("an operator group that does not exist is refused with how to create it", "[ops][access]") {
  auto missing = OperatorAccess::resolve("xh-no-such-group");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK_THAT(missing.status().message(), Catch::Contains("groupadd xh-no-such-group"));
  auto none = OperatorAccess::resolve("");
  REQUIRE(none.ok());
  CHECK_FALSE(none->group());
  CHECK(none->hub_user() == ::geteuid());
}

TEST_CASE("the socket's folder is made the hub's user's, 0700, or 0770 with the operator group", "[ops][access]") {
  PrivateDir dir;
  auto alone = OperatorAccess::resolve("");
  REQUIRE(alone.ok());
  REQUIRE(alone->secure_folder(dir.path("run")).ok());  // created
  CHECK(mode_of(dir.path("run")) == 0700);
  REQUIRE(::chmod(dir.path("run").c_str(), 0755) == 0);  // loosened by hand: tightened again
  REQUIRE(alone->secure_folder(dir.path("run")).ok());
  CHECK(mode_of(dir.path("run")) == 0700);

  const OperatorAccess group(::geteuid(), ::getegid(), "the hub's own group");
  REQUIRE(group.secure_folder(dir.path("shared/run")).ok());
  struct stat st {};
  REQUIRE(::stat(dir.path("shared/run").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0770);
  CHECK(st.st_gid == ::getegid());
  CHECK(st.st_uid == ::geteuid());
}

TEST_CASE("a socket folder the hub cannot secure is refused, saying what to do", "[ops][access]") {
  PrivateDir dir;
  auto alone = OperatorAccess::resolve("");
  REQUIRE(alone.ok());
  fs::create_directories(dir.path("elsewhere"));
  fs::create_symlink(dir.path("elsewhere"), dir.path("link"));
  hub::Status s = alone->secure_folder(dir.path("link"));
  CHECK(s.code() == StatusCode::kPermissionDenied);
  CHECK_THAT(s.message(), Catch::Contains("is a symbolic link") && Catch::Contains("a folder of its own"));

  std::ofstream(dir.path("file")) << "not a folder";
  s = alone->secure_folder(dir.path("file"));
  CHECK(s.code() == StatusCode::kPermissionDenied);
  CHECK_THAT(s.message(), Catch::Contains("is not a folder"));

  if (::geteuid() == 0) {  // only root can hand a folder to someone else
    fs::create_directories(dir.path("theirs"));
    REQUIRE(::chown(dir.path("theirs").c_str(), 4000002, 4000002) == 0);
    s = alone->secure_folder(dir.path("theirs"));
    CHECK(s.code() == StatusCode::kPermissionDenied);
    CHECK_THAT(s.message(), Catch::Contains("belongs to uid 4000002") && Catch::Contains("chown"));
  }
}

TEST_CASE("a failed connect says permission denied, or that the hub is not running, distinctly", "[ops][client]") {
  const hub::ops::OperatorEndpoint with_group{"/srv/hub/run/operator.sock", "xh-operators"};
  for (int error : {EACCES, EPERM}) {
    const hub::Status s = hub::ops::connect_error(error, with_group);
    CHECK(s.code() == StatusCode::kPermissionDenied);
    CHECK_THAT(s.message(), Catch::StartsWith("permission denied on the operator socket /srv/hub/run/operator.sock") &&
                                Catch::Contains("usermod -aG xh-operators") && !Catch::Contains("not running"));
  }
  CHECK_THAT(hub::ops::connect_error(EACCES, {"/x.sock", ""}).message(), Catch::Contains("hub.operator_group"));
  for (int error : {ENOENT, ECONNREFUSED}) {
    const hub::Status s = hub::ops::connect_error(error, with_group);
    CHECK(s.code() == StatusCode::kUnavailable);
    CHECK_THAT(s.message(), Catch::StartsWith("the hub is not running"));
  }
}

TEST_CASE("a socket nobody listens on any more is reported as a hub not running", "[ops][client]") {
  PrivateDir dir;
  const std::string path = dir.path("stale.sock");
  {
    hub::ops::UniqueFd listener(::socket(AF_UNIX, SOCK_STREAM, 0));
    sockaddr_un address{};
    REQUIRE(hub::ops::unix_address(path, address));
    REQUIRE(::bind(listener.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  }  // closed: the file stays, nothing answers
  auto answer = hub::ops::ask_operator({path, ""}, {{"op", "status"}}, std::chrono::seconds(2));
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.status().code() == StatusCode::kUnavailable);
  CHECK_THAT(answer.status().message(), Catch::Contains("the hub is not running (nothing answers on " + path + ")"));
}
