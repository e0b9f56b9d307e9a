#include "test_hub.h"

#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "config/loader.h"
#include "store/embedded_postgres.h"
#include "store/pg.h"
#include "loopback_port.h"
#include "test_database.h"

namespace hub::testing {
namespace {

namespace fs = std::filesystem;


std::string make_temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "xh-e2e-XXXXXX").string();
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  return pattern;
}

// The test-only units, plugin, case types and routes.
constexpr const char* kTestExtra = R"(
plugins:
  - name: test_faulty
    file: test_faulty
units:
  # test.sender is the tests' workhorse (and the attack harness's attacker):
  # a quota far above what any test sends, so that only test.flooder meets one.
  - {id: test.sender, name: 测试发送单位, adapter: zmq,
     may_send: [test.faulty, test.enriched, test.routed, registry.fee_check, complaint.general],
     quota: {messages_per_second: 100000, burst_messages: 100000}}
  - {id: test.receiver, name: 测试接收单位, adapter: zmq}
  - {id: test.stranger, name: 无路由测试单位, adapter: zmq, may_send: [test.faulty]}
  - {id: test.flooder, name: 超额测试单位, adapter: zmq, may_send: [test.faulty],
     quota: {messages_per_second: 100, burst_messages: 200}}
case_types:
  - {id: test.faulty, name: 故障测试, plugin: test_faulty}
  - {id: test.followup, name: 后续测试, plugin: test_faulty}
  - {id: test.enriched, plugin: test_faulty}
  - {id: test.routed, plugin: test_faulty}
routes:
  # test.stranger's cases match no route: they are parked.
  - {id: test_faulty, match: {type: test.faulty, origin: [test.sender]}, to: [test.receiver]}
  - {id: test_followup, match: {type: test.followup}, to: [test.receiver], cc: [compound.community]}
  - {id: test_enriched, match: {type: test.enriched}, to: [test.receiver]}
  - {id: test_routed, match: {type: test.routed}, to: [compound.servicer]}
)";

}  // namespace

TestDeployment::TestDeployment(DeploymentOptions options) : dir_(make_temp_dir()) {
  if (options.embedded_database) {
    // The server's OS user (as root) must reach <dir>/var/postgres.
    if (::geteuid() == 0) fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    conninfo_ = "host=" + dir_ + "/var/postgres/pgrun port=" + std::to_string(store::EmbeddedPostgres::kSocketPort) +
                " dbname=hub user=" + store::EmbeddedPostgres::kOwnerRole;
  } else {
    conninfo_ = options.shared_database.empty() ? hub::test::TestPostgres::fresh_database() : options.shared_database;
  }
  const std::uint16_t port = unused_loopback_port();
  REQUIRE(port != 0);
  endpoint_ = "tcp://127.0.0.1:" + std::to_string(port);
  operator_socket_ = dir_ + "/run/operator.sock";
  const std::string keys_dir = dir_ + "/keys";
  const std::string source = std::string(HUB_SOURCE_DIR) + "/config/";

  // Keys for the hub and for every unit the config names.
  if (options.keys_from.empty()) {
    hub_key_ = keys::generate().value();
    REQUIRE(keys::write(keys_dir, "hub", hub_key_).ok());
  } else {
    std::error_code ec;
    fs::copy(options.keys_from + "/keys", keys_dir, fs::copy_options::recursive, ec);
    REQUIRE(!ec);
    hub_key_ = keys::read(keys_dir + "/hub.key").value();
  }
  {
    std::ofstream extra(dir_ + "/test_extra.yaml");
    extra << kTestExtra << options.extra_yaml;
  }
  std::ostringstream yaml;
  yaml << "hub:\n  id: " << options.hub_id << "\n";
  if (!options.embedded_database) yaml << "  database: \"" << conninfo_ << "\"\n";
  yaml << "  data_dir: " << dir_ << "/var\n"
       << "  keys_dir: " << keys_dir << "\n  plugin_dir: " << HUB_MODULE_DIR << "\n  operator_socket: " << operator_socket_
       << "\n  delivery: {max_attempts: " << options.max_attempts << ", backoff_initial_ms: " << options.backoff_ms
       << ", backoff_max_ms: " << options.backoff_ms * 4 << ", backoff_multiplier: 2.0}\n"
       << "include:\n";
  yaml << "  - " << source << "xinhui.yaml\n";
  if (!options.more_yaml.empty()) {
    std::ofstream(dir_ + "/test_more.yaml") << options.more_yaml;
    yaml << "  - " << dir_ << "/test_more.yaml\n";
  }
  yaml << "  - " << dir_ << "/test_extra.yaml\n"
       << "adapters:\n  - name: zmq\n    file: zmq\n    settings: {bind: \"" << endpoint_
       << "\", secret_key_file: " << keys_dir << "/hub.key"
       << (options.zmq_settings.empty() ? "" : ", " + options.zmq_settings) << "}\n"
       << "  - name: http\n    file: http\n    settings: "
       << (options.http_settings.empty() ? "{listener: {bind: \"127.0.0.1:0\"}}" : options.http_settings) << "\n"
       << options.more_adapters;
  config_path_ = dir_ + "/hub.yaml";
  std::ofstream(config_path_) << yaml.str();

  // A first load tells which units need keys; the second sees them all.
  auto first = config::load_deployment(config_path_);
  INFO((first.errors.empty() ? std::string() : first.errors.front().to_string()));
  REQUIRE(first.ok());
  if (options.keys_from.empty())
    for (const auto& u : first.deployment->units) REQUIRE(keys::write(keys_dir, u.id, keys::generate().value()).ok());
}

TestDeployment::~TestDeployment() {
  hub::test::stop_leftover_server(dir_ + "/var/postgres");  // a killed hubd's embedded server
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

keys::KeyPair TestDeployment::key(const std::string& unit) const {
  auto k = keys::read(dir_ + "/keys/" + unit + ".key");
  REQUIRE(k.ok());
  return *k;
}

std::unique_ptr<UnitClient> TestDeployment::client(const std::string& unit) const {
  return std::make_unique<UnitClient>(endpoint_, key(unit), hub_key_.public_key);
}

HubProcess::HubProcess(const TestDeployment& d, std::vector<std::string> args) : d_(d), args_(std::move(args)) {}

HubProcess::~HubProcess() {
  if (pid_ > 0) kill();
}

void HubProcess::start() {
  REQUIRE(pid_ == 0);
  const std::string binary = std::string(HUB_BINARY_DIR) + "/bin/hubd";
  const std::string log = d_.dir() + "/hubd.log";
  std::vector<const char*> argv = {binary.c_str(), "--config", d_.config_path().c_str(), "--log-level", "debug"};
  for (const auto& a : args_) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  pid_ = ::fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    FILE* out = std::fopen(log.c_str(), "a");
    if (out) {
      ::dup2(fileno(out), 1);
      ::dup2(fileno(out), 2);
    }
    ::execv(binary.c_str(), const_cast<char* const*>(argv.data()));
    ::_exit(127);
  }
  // Ready when the operator socket answers "status".
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::string out;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = 0;
      FAIL("hubd exited during start:\n" << this->log());
    }
    if (fs::exists(d_.operator_socket()) &&
        run_command(std::string(HUB_BINARY_DIR) + "/bin/hubctl status --socket " + d_.operator_socket(), out) == 0)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling interval while hubd starts
  }
  FAIL("hubd did not become ready within 30 s:\n" << this->log());
}

int HubProcess::stop() {
  REQUIRE(pid_ > 0);
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = 0;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void HubProcess::kill() {
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = 0;
}

int HubProcess::wait_exit(std::chrono::milliseconds timeout) {
  REQUIRE(pid_ > 0);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = 0;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void HubProcess::signal(int sig) {
  REQUIRE(pid_ > 0);
  ::kill(pid_, sig);
}

bool wait_for_log(const HubProcess& hub, const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (hub.log().find(text) == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

std::string HubProcess::log() const {
  std::ifstream in(d_.dir() + "/hubd.log");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

InProcessHub::InProcessHub(const TestDeployment& d, std::optional<TimePoint> start, std::size_t commit_queue_capacity)
    : clock_(start.value_or(TimePoint(std::chrono::system_clock::now().time_since_epoch()))) {
  auto loaded = config::load_deployment(d.config_path());
  REQUIRE(loaded.ok());
  bus::HubOptions options{*loaded.deployment, d.conninfo(), HUB_MODULE_DIR, &clock_,
                          bus::CommitQueueLimits{.max_items = commit_queue_capacity}};
  auto hub = bus::Hub::start(std::move(options));
  INFO(hub.status().message());
  REQUIRE(hub.ok());
  hub_ = std::move(hub.value());
}

std::string query_one(const TestDeployment& d, const std::string& sql) {
  auto db = store::PgConnection::connect(d.conninfo());
  REQUIRE(db.ok());
  auto r = db->exec(sql);
  INFO(sql << ": " << r.status().message());
  REQUIRE(r.ok());
  return r->rows() > 0 ? std::string(r->get(0, 0)) : std::string();
}

bool wait_until(const TestDeployment& d, const std::string& sql, const std::string& expected,
                std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (query_one(d, sql) == expected) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling interval of the check
  }
}

Json send_accepted(UnitClient& sender, const std::string& reference, const std::string& type,
                   const std::string& compound, Json payload) {
  sender.send_case(reference, type, compound, std::move(payload));
  auto a = sender.wait_answer(reference);
  REQUIRE(a);
  INFO(a->dump());
  REQUIRE((*a)["kind"] == "accepted");
  return *a;
}

bool poll_until(const TestDeployment& d, ManualClock& clock, const std::string& sql, const std::string& expected,
                std::chrono::milliseconds step) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (query_one(d, sql) == expected) return true;
    clock.advance(step);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling interval of the check
  }
  return false;
}

std::string hubctl(const TestDeployment& d, const std::string& args, int* exit_code) {
  std::string out;
  const int rc = run_command(std::string(HUB_BINARY_DIR) + "/bin/hubctl " + args + " --socket " + d.operator_socket(), out);
  if (exit_code) *exit_code = rc;
  return out;
}

int run_command(const std::string& command, std::string& out) {
  out.clear();
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string expected_operator() {
  // Read here from the same kernel sources the hub reads.
  const std::string me = ::getpwuid(::geteuid())->pw_name;
  std::ifstream in("/proc/self/loginuid");
  unsigned long long login = 4294967295ULL;
  in >> login;
  if (!in || login >= 4294967295ULL || login == ::geteuid()) return me;
  const passwd* pw = ::getpwuid(static_cast<uid_t>(login));
  return (pw ? std::string(pw->pw_name) : "uid " + std::to_string(login)) + " (as " + me + ")";
}

}  // namespace hub::testing
