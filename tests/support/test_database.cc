#include "test_database.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <spdlog/spdlog.h>

#include "store/embedded_postgres.h"
#include "store/embedded_postgres_os.h"
#include "store/migrations.h"
#include "store/pg.h"

namespace hub::test {
namespace fs = std::filesystem;
namespace {

constexpr const char* kTempPrefix = "xinhui-hub-test-";

}  // namespace

void stop_leftover_server(const std::string& dir) {
  const std::string pgdata = dir + "/pgdata";
  std::ifstream in(pgdata + "/postmaster.pid");
  long pid = 0;
  if (!(in >> pid) || pid <= 0 || !store::detail::process_alive(static_cast<pid_t>(pid))) return;
  std::error_code ec;
  if (store::detail::process_cwd(static_cast<pid_t>(pid)) != fs::weakly_canonical(pgdata, ec).string()) return;
  kill(static_cast<pid_t>(pid), SIGQUIT);
  for (int i = 0; i < 200 && store::detail::process_alive(static_cast<pid_t>(pid)); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

namespace {

// Removes /var/tmp/xinhui-hub-test-<pid>-* of dead test processes.
void sweep_stale_dirs_now() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/var/tmp", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kTempPrefix, 0) != 0) continue;
    const long pid = std::atol(name.c_str() + std::char_traits<char>::length(kTempPrefix));
    struct stat st {};
    if (pid <= 0 || lstat(entry.path().c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
      continue;
    if (kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM) continue;  // its test still runs
    stop_leftover_server(entry.path().string());
    std::error_code rm;
    fs::remove_all(entry.path(), rm);
  }
}

// The same, once per process.
void sweep_stale_dirs() {
  static std::once_flag once;
  std::call_once(once, sweep_stale_dirs_now);
}

std::string make_temp_dir() {
  std::string tmpl = std::string("/var/tmp/") + kTempPrefix + std::to_string(getpid()) + "-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) return {};
  // Root runs the server as another user, who must be able to enter.
  if (geteuid() == 0) chmod(buf.data(), 0711);
  return buf.data();
}

// The process' server, created on first use, stopped and removed at exit.
struct Shared {
  Shared() {
    // Make sure spdlog's registry outlives this object (destroyed in reverse
    // order of construction), since stopping the server logs.
    (void)spdlog::default_logger_raw();
  }
  ~Shared() {
    if (server) {
      const Status s = server->stop();
      if (!s.ok()) std::fprintf(stderr, "test PostgreSQL: %s\n", s.to_string().c_str());
      server.reset();
    }
    if (!dir.empty()) {
      stop_leftover_server(dir);
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  }

  std::mutex mu;
  std::string dir;
  std::unique_ptr<store::EmbeddedPostgres> server;
  int next_db = 0;
};

Shared& shared() {
  static Shared s;
  return s;
}

// REQUIRES: s.mu held. FAILs the current test when the server cannot start.
store::EmbeddedPostgres& server_locked(Shared& s) {
  if (s.server) return *s.server;
  sweep_stale_dirs();
  if (s.dir.empty()) s.dir = make_temp_dir();
  if (s.dir.empty()) FAIL("cannot create a temporary folder under /var/tmp for the test PostgreSQL");
  store::EmbeddedPostgresOptions options;
  options.data_dir = s.dir;
  options.database = "postgres";
  options.superuser_for_caller = true;  // creates the tests' databases
  auto started = store::EmbeddedPostgres::start(options);
  if (!started.ok()) FAIL("cannot start the test PostgreSQL: " << started.status().to_string());
  s.server = std::move(started).value();
  return *s.server;
}

}  // namespace

std::string TestPostgres::fresh_database() {
  Shared& s = shared();
  std::lock_guard<std::mutex> lock(s.mu);
  store::EmbeddedPostgres& server = server_locked(s);
  const std::string name = "test_" + std::to_string(getpid()) + "_" + std::to_string(++s.next_db);
  auto conn = store::PgConnection::connect(server.superuser_conninfo("postgres"));
  if (!conn.ok()) FAIL("cannot connect to the test PostgreSQL: " << conn.status().to_string());
  auto quoted = conn->quote_identifier(name);
  if (!quoted.ok()) FAIL(quoted.status().to_string());
  auto created =
      conn->exec("CREATE DATABASE " + *quoted + " OWNER " + store::EmbeddedPostgres::kOwnerRole);
  if (!created.ok()) FAIL("cannot create test database " << name << ": " << created.status().to_string());
  return server.owner_conninfo(name);
}

std::string TestPostgres::admin_conninfo() {
  Shared& s = shared();
  std::lock_guard<std::mutex> lock(s.mu);
  return server_locked(s).superuser_conninfo("postgres");
}

std::string TestPostgres::data_dir() {
  Shared& s = shared();
  std::lock_guard<std::mutex> lock(s.mu);
  return server_locked(s).data_dir();
}

TempDir::TempDir() {
  sweep_stale_dirs();
  path_ = make_temp_dir();
  if (path_.empty()) FAIL("cannot create a temporary folder under /var/tmp");
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  stop_leftover_server(path_);
  std::error_code ec;
  fs::remove_all(path_, ec);
}

store::PgConnection migrated_database() {
  auto db = store::PgConnection::connect(TestPostgres::fresh_database());
  REQUIRE(db.ok());
  REQUIRE(store::migrate(*db).ok());
  return std::move(db.value());
}

}  // namespace hub::test
