// tests/support/test_database.h: a private PostgreSQL for integration tests.
//
// One embedded server per test process, started on first use in a fresh
// folder /var/tmp/xinhui-hub-test-<pid>-XXXXXX (under /var/tmp so that user
// postgres can reach it when the tests run as root), stopped and removed when
// the process exits. Folders and servers left behind by test processes that
// died (crash, SIGKILL) are cleaned up by the next test process that starts a
// server. Works as root (server runs as XH_PG_USER, default postgres) and as
// a normal user.
//
// Thread-safety: all functions may be called from any thread.
// Failures FAIL() the current Catch2 test with the reason.
#pragma once

#include <string>

#include "store/pg.h"

namespace hub::test {

class TestPostgres {
 public:
  // Creates a uniquely named, empty database owned by the embedded server's
  // owner role and returns its libpq conninfo as that role (a database set up
  // with one role, like a user-supplied one).
  static std::string fresh_database();
  // conninfo of the server's maintenance database "postgres", as its superuser.
  static std::string admin_conninfo();
  // The folder holding the server (pgdata, pgrun, pg.log).
  static std::string data_dir();
};

// A connection to a fresh database (TestPostgres::fresh_database) with the
// hub's schema applied (store::migrate).
store::PgConnection migrated_database();

// Immediate shutdown of a PostgreSQL server still running in <dir>/pgdata
// (released by a test, or left by a killed process); waits until it is gone.
void stop_leftover_server(const std::string& dir);

// A fresh empty folder /var/tmp/xinhui-hub-test-<pid>-XXXXXX that the
// PostgreSQL user can enter; on destruction a server still running in
// <path>/pgdata is stopped (immediate shutdown) and the folder is removed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace hub::test
