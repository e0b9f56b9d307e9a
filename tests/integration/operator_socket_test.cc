// The operator socket against a real hubd: operators are who the kernel says
// (a name the client sends is ignored, in the log and in replay events), the
// socket's folder is secured at start or the hub refuses to start, and a
// socket this user may not open is reported as such, not as a hub that is down.
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ops/operator_client.h"
#include "test_hub.h"

using hub::Json;
using namespace hub::testing;
namespace fs = std::filesystem;

namespace {

const std::string kBin = std::string(HUB_BINARY_DIR) + "/bin/";

const DeploymentOptions kParkFast{
    .max_attempts = 2, .backoff_ms = 200, .extra_yaml = "", .shared_database = "", .hub_id = "test", .keys_from = ""};

// Adds `line` to the hub: section of the deployment's top-level file.
void add_hub_setting(const TestDeployment& d, const std::string& line) {
  std::ifstream in(d.config_path());
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  yaml.replace(yaml.find("hub:\n") + 5, 0, "  " + line + "\n");
  std::ofstream(d.config_path()) << yaml;
}

void set_operator_socket(const TestDeployment& d, const std::string& path) {
  std::ifstream in(d.config_path());
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const auto at = yaml.find("operator_socket: ") + 17;
  yaml.replace(at, yaml.find('\n', at) - at, path);
  std::ofstream(d.config_path()) << yaml;
}

struct stat stat_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st;
}

std::int64_t parked_delivery(const TestDeployment& d) {
  auto receiver = d.client("test.receiver");
  receiver->hello();
  REQUIRE(receiver->wait_kind("welcome"));
  auto sender = d.client("test.sender");
  const Json accepted = send_accepted(*sender, "OPS-1", "test.faulty", "", Json::object());
  const auto delivery = accepted["deliveries"][0]["delivery"].get<std::int64_t>();
  REQUIRE(wait_until(d, "SELECT state FROM deliveries WHERE id = " + std::to_string(delivery), "parked"));
  return delivery;
}

}  // namespace

TEST_CASE("the operator socket logs the kernel's login and ignores a name the client sends", "[ops][cli]") {
  TestDeployment d(kParkFast);
  HubProcess hubd(d);
  hubd.start();
  const auto delivery = parked_delivery(d);
  const std::string me = expected_operator();

  const hub::ops::OperatorEndpoint socket{d.operator_socket(), ""};
  auto status = hub::ops::ask_operator(socket, {{"op", "status"}, {"operator", "mallory"}});
  REQUIRE(status.ok());
  CHECK((*status)["ok"] == true);
  auto replayed = hub::ops::ask_operator(socket, {{"op", "replay"}, {"delivery", delivery}, {"operator", "mallory"}});
  REQUIRE(replayed.ok());
  INFO(replayed->dump());
  CHECK((*replayed)["ok"] == true);

  // The replay's event names the kernel's login, in the replay's own transaction.
  CHECK(query_one(d, "SELECT detail->>'operator' FROM events WHERE kind = 'operator' AND delivery_id = " +
                         std::to_string(delivery)) == me);
  REQUIRE(wait_for_log(hubd, "operator " + me + ": replay"));
  REQUIRE(wait_for_log(hubd, "operator " + me + ": {\"op\":\"status\"}"));
  CHECK_THAT(hubd.log(), !Catch::Contains("mallory"));

  // hubctl sends no name at all: the same login is logged.
  int code = -1;
  hubctl(d, "case " + query_one(d, "SELECT case_id FROM deliveries WHERE id = " + std::to_string(delivery)), &code);
  CHECK(code == 0);
  CHECK(wait_for_log(hubd, "operator " + me + ": {\"case\":"));
}

TEST_CASE("the socket's folder is the hub user's: 0700, or 0770 with the operators' group", "[ops][cli]") {
  SECTION("no operator group: the hub's user and root only") {
    TestDeployment d;
    const std::string folder = fs::path(d.operator_socket()).parent_path().string();
    fs::create_directories(folder);
    ::chmod(folder.c_str(), 0755);  // as an older hub left it, or loosened by hand
    HubProcess hubd(d);
    hubd.start();
    CHECK((stat_of(folder).st_mode & 07777) == 0700);
    CHECK(stat_of(folder).st_uid == ::geteuid());
    CHECK((stat_of(d.operator_socket()).st_mode & 07777) == 0600);
    CHECK(wait_for_log(hubd, "operators: root, the hub's user)"));
  }
  SECTION("an operator group: its members too") {
    TestDeployment d;
    const std::string group = ::getgrgid(::getegid())->gr_name;  // a group the hub's user is in
    add_hub_setting(d, "operator_group: " + group);
    HubProcess hubd(d);
    hubd.start();
    const std::string folder = fs::path(d.operator_socket()).parent_path().string();
    CHECK((stat_of(folder).st_mode & 07777) == 0770);
    CHECK(stat_of(folder).st_gid == ::getegid());
    CHECK((stat_of(d.operator_socket()).st_mode & 07777) == 0660);
    CHECK(stat_of(d.operator_socket()).st_gid == ::getegid());
    CHECK(wait_for_log(hubd, "and group " + group + ")"));
  }
}

TEST_CASE("hubd refuses to start with an operator group that does not exist or a folder it cannot secure", "[ops][cli]") {
  std::string out;
  SECTION("no such group") {
    TestDeployment d;
    add_hub_setting(d, "operator_group: xh-no-such-group");
    CHECK(run_command(kBin + "hubd --config " + d.config_path(), out) == 1);
    CHECK_THAT(out, Catch::Contains("no group 'xh-no-such-group'") && Catch::Contains("groupadd xh-no-such-group"));
  }
  SECTION("a symbolic link for the socket's folder") {
    TestDeployment d;
    fs::create_directories(d.dir() + "/elsewhere");
    fs::create_symlink(d.dir() + "/elsewhere", d.dir() + "/linked");
    set_operator_socket(d, d.dir() + "/linked/operator.sock");
    CHECK(run_command(kBin + "hubd --config " + d.config_path(), out) == 1);
    CHECK_THAT(out, Catch::Contains(d.dir() + "/linked is a symbolic link"));
    CHECK_FALSE(fs::exists(d.dir() + "/elsewhere/operator.sock"));
  }
}

TEST_CASE("a socket this user may not open is reported as permission denied, not as a hub that is down", "[ops][cli]") {
  TestDeployment d;
  HubProcess hubd(d);
  hubd.start();
  const std::string hubctl_path = kBin + "hubctl";
  std::string out;
  int code = -1;
  if (::geteuid() == 0) {
    // Root passes every permission check: ask as an unprivileged user instead.
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    const char* argv[] = {hubctl_path.c_str(), "status", "--socket", d.operator_socket().c_str(), nullptr};
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      ::dup2(pipe_fds[1], 1);
      ::dup2(pipe_fds[1], 2);
      const gid_t nogroup = 65534;
      if (::setgroups(0, nullptr) != 0 || ::setresgid(nogroup, nogroup, nogroup) != 0 ||
          ::setresuid(65534, 65534, 65534) != 0)
        ::_exit(126);
      if (::access(argv[0], X_OK) != 0) ::_exit(77);  // the build folder is closed to other users
      ::execv(argv[0], const_cast<char* const*>(argv));
      ::_exit(127);
    }
    ::close(pipe_fds[1]);
    char buffer[4096];
    for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) out.append(buffer, static_cast<std::size_t>(n));
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    code = WEXITSTATUS(status);
    if (code == 77) {
      WARN("hubctl is not executable by an unprivileged user here; only the error classification was tested");
      return;
    }
  } else {
    // The hub's own user, with the folder closed to it for a moment.
    const std::string folder = fs::path(d.operator_socket()).parent_path().string();
    REQUIRE(::chmod(folder.c_str(), 0) == 0);
    code = run_command(hubctl_path + " status --socket " + d.operator_socket(), out);
    ::chmod(folder.c_str(), 0700);
  }
  INFO(out);
  CHECK(code == 1);
  CHECK_THAT(out, Catch::Contains("permission denied on the operator socket " + d.operator_socket()) &&
                      Catch::Contains("operator group") && !Catch::Contains("not running"));
  // ...while a socket nobody answers on is a hub that is not running.
  CHECK(run_command(hubctl_path + " status --socket " + d.dir() + "/run/none.sock", out) == 3);
  CHECK_THAT(out, Catch::Contains("the hub is not running"));
}
