// store/embedded_postgres.h: a private PostgreSQL server that hubd starts,
// adopts or stops itself, so that no database needs to be set up by hand.
//
// Layout under the data folder (after any fallback, see data_dir()):
//   <data_dir>/pgdata   the cluster (initdb'ed on first start, reused later)
//   <data_dir>/pgrun    its Unix socket, mode 0700; no TCP port at all
//   <data_dir>/pg.log   output of initdb, pg_ctl and the server
//
// The server listens on no TCP address (listen_addresses = ''), only on the
// socket in pgrun, whose folder only its owner may enter. It never touches
// the system's cluster or port 5432 (the socket is named with kSocketPort
// inside the private folder).
//
// Least privilege (store/embedded_postgres_access.h): authentication on the
// socket is "peer" through the map in pg_ident.conf, TCP lines say "reject";
// both files are rewritten at every start. Three roles:
//   - the server's superuser (named after the OS user running the server),
//     usable only by that OS user, for maintenance; hubd never uses it;
//   - kOwnerRole owns `database` and everything in its schema: migrations;
//   - kRuntimeRole may only connect; the hub grants it row rights on the
//     tables after migrating (store/runtime_grants.h): every worker thread.
// The OS user running this process may connect as kOwnerRole and
// kRuntimeRole, and nothing else (unless superuser_for_caller).
// A cluster made by an earlier version (trust, one superuser owning the
// tables) is converted at start, with one log line saying so.
//
// Running as root: PostgreSQL refuses that, so initdb, pg_ctl and the server
// run as user XH_PG_USER (default "postgres"). When that user cannot reach
// the requested folder (e.g. it lies under /root, mode 0700), the data goes to
// /var/tmp/xinhui-hub-<uid>-<hash of the requested path>/ instead, with a
// warning in the log; data_dir() tells which folder is used.
//
// A server left running by a crashed process (postmaster.pid names a live
// postgres for this pgdata) is adopted, not started twice. A stale
// postmaster.pid (server killed) is handled: PostgreSQL recovers from its WAL.
//
// Thread-safety: start() may be called from any thread, also while other
// threads run (children are started with fork+exec, see
// embedded_postgres_os.h). One EmbeddedPostgres object must be used by one
// thread at a time; the const accessors may be called concurrently. Use at
// most one object per data folder at a time.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "util/result.h"

namespace hub::store {

struct EmbeddedPostgresOptions {
  std::string data_dir;           // the cluster lives in <data_dir>/pgdata, its socket in <data_dir>/pgrun
  std::string bin_dir;            // empty: the newest of /usr/lib/postgresql/*/bin, preferring 15
  std::string database = "hub";   // created if missing
  // More lines for the settings file, each "name = value" (e.g. the bench's
  // "shared_preload_libraries = 'pg_stat_statements'"); written after the
  // hub's own settings, so they win. Lines with a newline are refused.
  std::vector<std::string> extra_settings;
  // Also lets the OS user running this process connect as the server's
  // superuser: for harnesses that create and drop databases themselves
  // (tests, benchmarks). hubd leaves it off.
  bool superuser_for_caller = false;
};

class EmbeddedPostgres {
 public:
  // The number in the socket's name (.s.PGSQL.<n>); no TCP port is opened.
  static constexpr int kSocketPort = 55432;

  // Starts (or adopts) the private server and returns once it accepts
  // connections and `database` exists. Blocks for up to a few minutes (crash
  // recovery). Errors say what went wrong and what to do.
  static Result<std::unique_ptr<EmbeddedPostgres>> start(const EmbeddedPostgresOptions& options);

  EmbeddedPostgres(const EmbeddedPostgres&) = delete;
  EmbeddedPostgres& operator=(const EmbeddedPostgres&) = delete;
  // Stops the server (fast shutdown, waits) unless stop() or release() ran.
  ~EmbeddedPostgres();

  // The roles start() creates (cluster-wide, without any attribute beyond
  // LOGIN: no superuser, no CREATEDB, no CREATEROLE).
  static constexpr const char* kOwnerRole = "hub_owner";
  static constexpr const char* kRuntimeRole = "hub_runtime";

  // libpq connection strings (host=<socket dir> port=... dbname=... user=...)
  // for options.database, or another database of this server:
  // as kRuntimeRole, for the hub's worker threads;
  std::string runtime_conninfo() const { return runtime_conninfo(database_); }
  std::string runtime_conninfo(const std::string& database) const;
  // as kOwnerRole, for migrations;
  std::string owner_conninfo() const { return owner_conninfo(database_); }
  std::string owner_conninfo(const std::string& database) const;
  // as the server's superuser: refused by the server unless this process
  // runs as the server's OS user or options.superuser_for_caller was set.
  std::string superuser_conninfo(const std::string& database) const;

  // Fast shutdown (SIGINT: open sessions are rolled back), waits until the
  // server is gone; escalates to an immediate shutdown after a minute.
  // Idempotent; OK when the server is already gone.
  Status stop();
  // Forgets the server without stopping it (it keeps running; a later start()
  // on the same folder adopts it). Tests use this to simulate a crashed hubd.
  void release();

  // The folder really used (after any fallback); absolute.
  std::string data_dir() const { return base_dir_; }
  // The postmaster's pid, 0 after stop() or release().
  pid_t server_pid() const { return pid_; }
  // True when start() found this server already running and adopted it.
  bool adopted() const { return adopted_; }

 private:
  EmbeddedPostgres() = default;
  std::string conninfo_as(const std::string& database, const std::string& role) const;

  std::string base_dir_;    // <data_dir>
  std::string pgdata_;      // <data_dir>/pgdata
  std::string socket_dir_;  // usually <data_dir>/pgrun
  int port_ = kSocketPort;
  std::string database_;
  std::string user_name_;   // PostgreSQL superuser = OS user running the server
  pid_t pid_ = 0;           // 0: not ours (stopped or released)
  bool adopted_ = false;

  friend class EmbeddedPostgresStarter;
};

}  // namespace hub::store
