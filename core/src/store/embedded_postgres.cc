#include "store/embedded_postgres.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include "store/embedded_postgres_access.h"
#include "store/embedded_postgres_os.h"
#include "store/embedded_postgres_setup.h"
#include "store/pg.h"

namespace hub::store {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

constexpr auto kReadyTimeout = 300s;   // crash recovery may replay a lot of WAL
constexpr auto kRetryStartFor = 30s;   // old server processes still exiting
constexpr auto kFastStopTimeout = 60s;
constexpr auto kImmediateStopTimeout = 15s;
constexpr auto kReloadTimeout = 30s;

// The first lines of postmaster.pid (PostgreSQL >= 10).
struct PidFile {
  pid_t pid = 0;
  int port = 0;
  std::string socket_dir;
};

std::optional<PidFile> read_pid_file(const std::string& pgdata) {
  std::ifstream in(pgdata + "/postmaster.pid");
  if (!in) return std::nullopt;
  std::vector<std::string> lines;
  for (std::string line; lines.size() < 8 && std::getline(in, line);) lines.push_back(line);
  PidFile pf;
  auto number = [](const std::string& s) {
    long v = 0;
    for (char c : s) {
      if (c < '0' || c > '9' || v > 1000000000) return 0L;
      v = v * 10 + (c - '0');
    }
    return v;
  };
  if (!lines.empty()) pf.pid = static_cast<pid_t>(number(lines[0]));
  if (lines.size() > 3) pf.port = static_cast<int>(number(lines[3]));
  if (lines.size() > 4) pf.socket_dir = lines[4];
  return pf;
}

// True when pid is a live postmaster whose data folder is pgdata.
bool is_our_postmaster(pid_t pid, const std::string& pgdata) {
  if (!detail::process_alive(pid)) return false;
  std::error_code ec;
  const std::string canonical = fs::weakly_canonical(pgdata, ec).string();
  const std::string cwd = detail::process_cwd(pid);  // postgres chdir()s to its data folder
  if (!cwd.empty()) return cwd == canonical || cwd == pgdata;
  // Not permitted to see its folder: look for "-D <pgdata>" on its command line.
  const std::string cmd = detail::process_cmdline(pid) + " ";
  if (cmd.find("postgres") == std::string::npos) return false;
  for (const std::string& p : {pgdata, canonical})
    if (cmd.find(p + " ") != std::string::npos || cmd.find(p + "\" ") != std::string::npos) return true;
  return false;
}

// Waits until pid is gone; false on timeout.
bool wait_gone(pid_t pid, Clock::duration timeout) {
  const auto deadline = Clock::now() + timeout;
  while (detail::process_alive(pid)) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

std::string conninfo_quote(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// Removes socket lock files (and their sockets) in the private socket folder
// whose pid is not a live postmaster of pgdata (dead, a zombie, or reused by
// another program): PostgreSQL would take such a pid for a live server and
// refuse to start. Only called when no server of ours is known to run.
void remove_stale_socket_locks(const std::string& socket_dir, const std::string& pgdata) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(socket_dir, ec)) {
    const std::string name = entry.path().filename().string();
    const std::string suffix = ".lock";
    if (name.rfind(".s.PGSQL.", 0) != 0 || name.size() <= suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    std::ifstream in(entry.path());
    long pid = 0;
    if (!(in >> pid) || pid <= 0 || is_our_postmaster(static_cast<pid_t>(pid), pgdata)) continue;
    spdlog::info("removing the stale socket lock {} (pid {} is no longer a server for this folder)",
                 entry.path().string(), pid);
    const std::string lock = entry.path().string();
    unlink(lock.substr(0, lock.size() - suffix.size()).c_str());
    unlink(lock.c_str());
  }
}

void log_marker(int fd, const std::string& text) {
  const std::string line = "---- xinhui-hub: " + text + " ----\n";
  ssize_t ignored = write(fd, line.data(), line.size());
  (void)ignored;
}

}  // namespace

// The steps of start(); a friend so that it can fill in the object.
class EmbeddedPostgresStarter {
 public:
  EmbeddedPostgresStarter(EmbeddedPostgres& pg, detail::OsUser user, detail::Layout layout, std::string bin_dir,
                          detail::UniqueFd log, std::vector<std::string> extra_settings, detail::AccessPolicy access)
      : pg_(pg), user_(std::move(user)), layout_(std::move(layout)), bin_(std::move(bin_dir)), log_(std::move(log)),
        extra_settings_(std::move(extra_settings)), access_(std::move(access)) {}

  // Logs the conversion of a cluster made by an earlier version (trust
  // authentication, one superuser), which the next steps carry out.
  void announce_conversion() const;
  // True when a server was running on this folder and is now adopted.
  Result<bool> try_adopt();
  // Writes the settings and access files, then starts the server.
  Status start_server();
  // The roles, the database and its ownership (embedded_postgres_access.h).
  Status set_up_roles();
  // An adopted server: rewrites the access files and, when they changed,
  // has the server reload them and waits until it has.
  Status refresh_access();

 private:
  EmbeddedPostgres& pg_;
  detail::OsUser user_;
  detail::Layout layout_;
  std::string bin_;
  detail::UniqueFd log_;
  std::vector<std::string> extra_settings_;
  detail::AccessPolicy access_;
};

void EmbeddedPostgresStarter::announce_conversion() const {
  std::error_code ec;
  if (!fs::exists(layout_.pgdata + "/PG_VERSION", ec) || detail::has_peer_access(layout_.pgdata)) return;
  spdlog::warn("the embedded PostgreSQL in {} was made by an earlier version (trust authentication, one superuser): "
               "converting it to peer authentication, with role {} owning the schema and role {} for the hub's work",
               layout_.pgdata, EmbeddedPostgres::kOwnerRole, EmbeddedPostgres::kRuntimeRole);
}

Result<bool> EmbeddedPostgresStarter::try_adopt() {
  const std::optional<PidFile> pf = read_pid_file(layout_.pgdata);
  if (!pf) return false;
  const std::string pid_path = layout_.pgdata + "/postmaster.pid";
  if (pf->pid <= 0) {
    spdlog::warn("{} is unreadable or damaged; leaving it to PostgreSQL to judge", pid_path);
    return false;
  }
  const bool exists = kill(pf->pid, 0) == 0 || errno == EPERM;
  const bool alive = detail::process_alive(pf->pid);
  if (!alive || !is_our_postmaster(pf->pid, layout_.pgdata)) {
    const char* what = !exists ? "gone" : !alive ? "dead (a zombie not yet reaped)" : "another program now";
    spdlog::warn("found a stale {} (pid {} is {}): the previous server stopped abruptly; PostgreSQL will recover "
                 "from its write-ahead log",
                 pid_path, pf->pid, what);
    // PostgreSQL itself would take a live (or zombie) process of that pid for
    // the old server and refuse to start; its shared-memory check still
    // protects against old server processes that are really alive.
    if (exists && unlink(pid_path.c_str()) != 0 && errno != ENOENT)
      return Status::Internal("cannot remove the stale " + pid_path + ": " + std::strerror(errno));
    return false;
  }

  pg_.socket_dir_ = pf->socket_dir.empty() ? layout_.pgrun : pf->socket_dir;
  pg_.port_ = pf->port > 0 ? pf->port : EmbeddedPostgres::kSocketPort;
  spdlog::info("a PostgreSQL server (pid {}) is already running on {}, left by a previous hubd: adopting it",
               pf->pid, layout_.pgdata);
  const std::string conninfo = pg_.superuser_conninfo("postgres");  // a ping needs no login
  const auto deadline = Clock::now() + kReadyTimeout;
  for (;;) {
    if (!detail::process_alive(pf->pid)) {
      spdlog::info("the running server (pid {}) exited while we waited for it; starting a new one", pf->pid);
      pg_.socket_dir_ = layout_.pgrun;
      pg_.port_ = EmbeddedPostgres::kSocketPort;
      return false;
    }
    const PGPing ping = PQping(conninfo.c_str());
    if (ping == PQPING_OK) break;
    if (ping == PQPING_NO_ATTEMPT)
      return Status::Internal("cannot ping the running PostgreSQL server: bad connection string " + conninfo);
    if (Clock::now() >= deadline)
      return Status::Unavailable("a PostgreSQL server (pid " + std::to_string(pf->pid) + ") runs on " +
                                 layout_.pgdata + " but does not accept connections; see " + layout_.log +
                                 "; if it hangs, stop it (kill -INT " + std::to_string(pf->pid) + ") and start again");
    std::this_thread::sleep_for(100ms);
  }
  pg_.pid_ = pf->pid;
  pg_.adopted_ = true;
  return true;
}

Status EmbeddedPostgresStarter::start_server() {
  auto has = detail::has_cluster(layout_.pgdata);
  if (!has.ok()) return has.status();
  if (!*has) {
    log_marker(log_.get(), "initdb");
    if (Status s = detail::init_cluster(user_, bin_, layout_, log_.get()); !s.ok()) return s;
  }
  if (Status s = detail::write_settings(user_, layout_, EmbeddedPostgres::kSocketPort, extra_settings_); !s.ok())
    return s;
  if (auto written = detail::write_access_files(user_, layout_, access_); !written.ok()) return written.status();
  remove_stale_socket_locks(layout_.pgrun, layout_.pgdata);

  const std::vector<std::string> argv = {
      bin_ + "/pg_ctl", "start", "-D", layout_.pgdata, "-l", layout_.log, "-w",
      "-t", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(kReadyTimeout).count())};
  const auto retry_until = Clock::now() + kRetryStartFor;
  for (;;) {
    log_marker(log_.get(), "pg_ctl start");
    auto rc = detail::run_as(user_, argv, detail::child_env(user_, bin_), log_.get());
    if (!rc.ok()) return rc.status();
    if (*rc == 0) break;
    const std::string tail = detail::log_tail(layout_.log);
    // Processes of a killed server hold its shared memory for a moment.
    if (tail.find("is still in use") != std::string::npos && Clock::now() < retry_until) {
      spdlog::info("processes of the previous PostgreSQL server are still exiting; trying again");
      std::this_thread::sleep_for(500ms);
      continue;
    }
    return Status::Internal("the embedded PostgreSQL did not start (pg_ctl exit status " + std::to_string(*rc) +
                            "), see " + layout_.log + "; fix the cause and start again. Last lines:\n" + tail);
  }
  const std::optional<PidFile> pf = read_pid_file(layout_.pgdata);
  if (!pf || pf->pid <= 0)
    return Status::Internal("pg_ctl reported the server started, but " + layout_.pgdata +
                            "/postmaster.pid is missing; see " + layout_.log);
  pg_.pid_ = pf->pid;
  pg_.socket_dir_ = pf->socket_dir.empty() ? layout_.pgrun : pf->socket_dir;
  pg_.port_ = pf->port > 0 ? pf->port : EmbeddedPostgres::kSocketPort;
  spdlog::info("embedded PostgreSQL started (pid {}, data {}, socket folder {}, log {})", pg_.pid_, layout_.pgdata,
               pg_.socket_dir_, layout_.log);
  return {};
}

Status EmbeddedPostgresStarter::set_up_roles() {
  return detail::set_up_roles(user_, bin_, pg_.socket_dir_, pg_.port_, pg_.database_, log_.get(), layout_.log);
}

Status EmbeddedPostgresStarter::refresh_access() {
  auto changed = detail::write_access_files(user_, layout_, access_);
  if (!changed.ok()) return changed.status();
  if (!*changed) return {};
  // A session started after the postmaster reloaded reports the new load time.
  const std::string conninfo = pg_.owner_conninfo();
  auto load_time = [&conninfo]() -> Result<std::string> {
    auto conn = PgConnection::connect(conninfo);
    if (!conn.ok()) return conn.status();
    auto r = conn->exec("SELECT pg_conf_load_time()::text");
    if (!r.ok()) return r.status();
    return std::string(r->get(0, 0));
  };
  auto before = load_time();
  if (!before.ok())
    return Status(before.status().code(), "cannot connect to the running embedded PostgreSQL as " +
                                              std::string(EmbeddedPostgres::kOwnerRole) + ": " + before.status().message());
  if (kill(pg_.pid_, SIGHUP) != 0)
    return Status::Internal("cannot ask the embedded PostgreSQL (pid " + std::to_string(pg_.pid_) +
                            ") to reload its access files: " + std::strerror(errno));
  const auto deadline = Clock::now() + kReloadTimeout;
  for (;;) {
    std::this_thread::sleep_for(20ms);
    auto now = load_time();
    if (now.ok() && *now != *before) break;
    if (Clock::now() >= deadline)
      return Status::Unavailable("the embedded PostgreSQL (pid " + std::to_string(pg_.pid_) +
                                 ") did not reload its access files; see " + layout_.log +
                                 "; stop it (kill -INT " + std::to_string(pg_.pid_) + ") and start again");
  }
  spdlog::info("the running embedded PostgreSQL reloaded its access files (peer authentication)");
  return {};
}

Result<std::unique_ptr<EmbeddedPostgres>> EmbeddedPostgres::start(const EmbeddedPostgresOptions& options) {
  if (options.database.empty() || options.database.size() > 63 ||
      options.database.find('\0') != std::string::npos)
    return Status::InvalidArgument("database name '" + options.database +
                                   "' is not usable: it needs 1 to 63 bytes and no NUL");
  auto user = detail::server_user();
  if (!user.ok()) return user.status();
  auto layout = detail::prepare_layout(*user, options.data_dir, kSocketPort);
  if (!layout.ok()) return layout.status();
  auto log = detail::open_log(*user, layout->log);
  if (!log.ok()) return log.status();
  auto bin = detail::find_bin_dir(options.bin_dir, layout->pgdata);
  if (!bin.ok()) return bin.status();
  auto access = detail::access_policy(*user, options.superuser_for_caller);
  if (!access.ok()) return access.status();

  std::unique_ptr<EmbeddedPostgres> pg(new EmbeddedPostgres);
  pg->base_dir_ = layout->base;
  pg->pgdata_ = layout->pgdata;
  pg->socket_dir_ = layout->pgrun;
  pg->database_ = options.database;
  pg->user_name_ = user->name;

  // From here on, pg's destructor stops a server we started or adopted.
  EmbeddedPostgresStarter starter(*pg, std::move(user).value(), std::move(layout).value(), std::move(bin).value(),
                                  std::move(log).value(), options.extra_settings, std::move(access).value());
  starter.announce_conversion();
  auto adopted = starter.try_adopt();
  if (!adopted.ok()) return adopted.status();
  if (!*adopted)
    if (Status s = starter.start_server(); !s.ok()) return s;
  // On a running server of an earlier version the superuser still logs in by
  // trust here: the roles exist before the access files name them.
  if (Status s = starter.set_up_roles(); !s.ok()) return s;
  if (*adopted)
    if (Status s = starter.refresh_access(); !s.ok()) return s;
  return pg;
}

EmbeddedPostgres::~EmbeddedPostgres() {
  if (pid_ == 0) return;
  const Status s = stop();
  if (!s.ok()) spdlog::error("{}", s.message());
}

std::string EmbeddedPostgres::runtime_conninfo(const std::string& database) const {
  return conninfo_as(database, kRuntimeRole);
}

std::string EmbeddedPostgres::owner_conninfo(const std::string& database) const {
  return conninfo_as(database, kOwnerRole);
}

std::string EmbeddedPostgres::superuser_conninfo(const std::string& database) const {
  return conninfo_as(database, user_name_);
}

std::string EmbeddedPostgres::conninfo_as(const std::string& database, const std::string& role) const {
  return "host=" + conninfo_quote(socket_dir_) + " port=" + std::to_string(port_) +
         " dbname=" + conninfo_quote(database) + " user=" + conninfo_quote(role);
}

Status EmbeddedPostgres::stop() {
  const pid_t pid = std::exchange(pid_, 0);
  if (pid == 0) return {};
  if (!is_our_postmaster(pid, pgdata_)) {
    spdlog::info("the embedded PostgreSQL (pid {}) is already gone", pid);
    return {};
  }
  // SIGINT = fast shutdown: sessions are rolled back, a checkpoint is written.
  if (kill(pid, SIGINT) != 0 && errno != ESRCH)
    return Status::Internal("cannot signal the embedded PostgreSQL (pid " + std::to_string(pid) +
                            "): " + std::strerror(errno));
  if (!wait_gone(pid, kFastStopTimeout)) {
    spdlog::warn("the embedded PostgreSQL (pid {}) did not stop within {} s; asking for an immediate shutdown", pid,
                 std::chrono::duration_cast<std::chrono::seconds>(kFastStopTimeout).count());
    kill(pid, SIGQUIT);  // immediate: the next start recovers from the WAL
    if (!wait_gone(pid, kImmediateStopTimeout))
      return Status::Internal("the embedded PostgreSQL (pid " + std::to_string(pid) + ") does not stop; see " +
                              base_dir_ + "/pg.log and stop it by hand (kill -QUIT " + std::to_string(pid) + ")");
  }
  spdlog::info("embedded PostgreSQL (pid {}) stopped", pid);
  return {};
}

void EmbeddedPostgres::release() {
  if (pid_ != 0) spdlog::info("leaving the embedded PostgreSQL (pid {}) running on {}", pid_, pgdata_);
  pid_ = 0;
}

}  // namespace hub::store
