// Integration tests of store/embedded_postgres.h and store/pg.h against a real
// PostgreSQL (started by the tests; must pass as root and as a normal user).
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "store/embedded_postgres.h"
#include "store/embedded_postgres_os.h"
#include "store/pg.h"
#include "embedded_pg_helpers.h"
#include "test_database.h"

namespace {

using hub::StatusCode;
using hub::store::EmbeddedPostgres;
using hub::store::EmbeddedPostgresOptions;
using hub::store::PgConnection;
using hub::store::Transaction;
using hub::test::TempDir;
using hub::test::TestPostgres;
namespace fs = std::filesystem;

std::unique_ptr<EmbeddedPostgres> start_in(const std::string& dir) { return hub::test::start_embedded_in(dir); }
PgConnection connect(const std::string& conninfo) { return hub::test::connect_to(conninfo); }
std::string query_one(PgConnection& conn, const std::string& sql) { return hub::test::single_value(conn, sql); }

void require_ok(const hub::Status& s) {
  INFO(s.to_string());
  REQUIRE(s.ok());
}

pid_t pid_from_file(const std::string& data_dir) {
  std::ifstream in(data_dir + "/pgdata/postmaster.pid");
  long pid = 0;
  in >> pid;
  return static_cast<pid_t>(pid);
}

}  // namespace

TEST_CASE("embedded PostgreSQL starts in a fresh folder and answers queries", "[embedded_postgres]") {
  TempDir dir;
  auto pg = start_in(dir.path());
  CHECK(pg->data_dir() == dir.path());
  CHECK_FALSE(pg->adopted());
  CHECK(pg->server_pid() == pid_from_file(dir.path()));
  CHECK(fs::exists(dir.path() + "/pgdata/PG_VERSION"));
  CHECK(fs::exists(dir.path() + "/pg.log"));
  struct stat st {};
  REQUIRE(stat((dir.path() + "/pgrun").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0700);
  CHECK(pg->owner_conninfo().find("dbname='hub'") != std::string::npos);

  PgConnection conn = connect(pg->owner_conninfo());
  CHECK(query_one(conn, "SELECT 40 + 2") == "42");
  CHECK(query_one(conn, "SELECT current_database()") == "hub");
  CHECK(query_one(conn, "SHOW server_encoding") == "UTF8");
  CHECK(query_one(conn, "SHOW fsync") == "on");
  CHECK(query_one(conn, "SHOW synchronous_commit") == "on");
  CHECK(query_one(conn, "SHOW max_connections") == "100");
  CHECK(query_one(conn, "SHOW shared_buffers") == "128MB");
}

TEST_CASE("embedded PostgreSQL opens no TCP port", "[embedded_postgres]") {
  TempDir dir;
  EmbeddedPostgresOptions options;
  options.data_dir = dir.path();
  options.superuser_for_caller = true;  // the socket settings are for superusers to see
  auto pg = EmbeddedPostgres::start(options);
  INFO(pg.status().to_string());
  REQUIRE(pg.ok());
  PgConnection conn = connect((*pg)->superuser_conninfo("hub"));
  CHECK(query_one(conn, "SHOW listen_addresses").empty());
  CHECK(query_one(conn, "SHOW unix_socket_directories") == dir.path() + "/pgrun");
  CHECK(query_one(conn, "SHOW port") != "5432");
  // The connection is a Unix-socket one: no client address.
  auto r = conn.exec("SELECT inet_client_addr() IS NULL");
  REQUIRE(r.ok());
  CHECK(r->get(0, 0) == "t");
}

TEST_CASE("embedded PostgreSQL keeps data across stop and start", "[embedded_postgres]") {
  TempDir dir;
  {
    auto pg = start_in(dir.path());
    PgConnection conn = connect(pg->owner_conninfo());
    REQUIRE(conn.exec("CREATE TABLE kept (id int PRIMARY KEY, note text)").ok());
    REQUIRE(conn.exec_params("INSERT INTO kept VALUES (1, $1)", {std::string("persisted")}).ok());
    require_ok(pg->stop());
    CHECK(pg->server_pid() == 0);
    require_ok(pg->stop());  // idempotent
    CHECK_FALSE(fs::exists(dir.path() + "/pgdata/postmaster.pid"));
  }
  auto pg = start_in(dir.path());
  CHECK_FALSE(pg->adopted());
  PgConnection conn = connect(pg->owner_conninfo());
  CHECK(query_one(conn, "SELECT note FROM kept WHERE id = 1") == "persisted");
}

TEST_CASE("embedded PostgreSQL adopts a server left running by a crashed hubd", "[embedded_postgres]") {
  TempDir dir;
  auto first = start_in(dir.path());
  const pid_t pid = first->server_pid();
  REQUIRE(pid > 0);
  first->release();  // as if hubd had crashed
  CHECK(first->server_pid() == 0);
  first.reset();     // must not stop the server
  REQUIRE(hub::store::detail::process_alive(pid));

  auto second = start_in(dir.path());
  CHECK(second->adopted());
  CHECK(second->server_pid() == pid);
  PgConnection conn = connect(second->owner_conninfo());
  CHECK(query_one(conn, "SELECT pg_backend_pid() > 0") == "t");

  require_ok(second->stop());
  CHECK_FALSE(hub::store::detail::process_alive(pid));
}

TEST_CASE("embedded PostgreSQL recovers after its postmaster is killed", "[embedded_postgres]") {
  TempDir dir;
  auto first = start_in(dir.path());
  {
    PgConnection conn = connect(first->owner_conninfo());
    REQUIRE(conn.exec("CREATE TABLE survivors (id int)").ok());
    REQUIRE(conn.exec("INSERT INTO survivors SELECT generate_series(1, 1000)").ok());
  }
  const pid_t pid = pid_from_file(dir.path());
  REQUIRE(pid == first->server_pid());
  REQUIRE(kill(pid, SIGKILL) == 0);
  for (int i = 0; i < 200 && hub::store::detail::process_alive(pid); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE_FALSE(hub::store::detail::process_alive(pid));
  REQUIRE(fs::exists(dir.path() + "/pgdata/postmaster.pid"));  // stale
  require_ok(first->stop());  // the server is gone: nothing to do, not an error

  auto second = start_in(dir.path());
  CHECK_FALSE(second->adopted());
  CHECK(second->server_pid() != pid);
  PgConnection conn = connect(second->owner_conninfo());
  CHECK(query_one(conn, "SELECT count(*) FROM survivors") == "1000");
}

TEST_CASE("embedded PostgreSQL falls back to /var/tmp when its user cannot reach the folder",
          "[embedded_postgres]") {
  const char* env = std::getenv("XH_PG_USER");
  if (geteuid() != 0 || getpwnam(env != nullptr && *env != '\0' ? env : "postgres") == nullptr) {
    WARN("only meaningful as root with a postgres user; skipped");
    return;
  }
  TempDir dir;
  REQUIRE(chmod(dir.path().c_str(), 0700) == 0);  // like /root: closed to others
  const std::string requested = dir.path() + "/var";
  std::string used;
  {
    auto pg = start_in(requested);
    used = pg->data_dir();
    CHECK(used != requested);
    CHECK(used.rfind("/var/tmp/xinhui-hub-0-", 0) == 0);
    CHECK(fs::exists(used + "/pgdata/PG_VERSION"));
    PgConnection conn = connect(pg->owner_conninfo());
    CHECK(query_one(conn, "SELECT 1") == "1");
    require_ok(pg->stop());
    auto again = start_in(requested);  // the same fallback folder next time
    CHECK(again->data_dir() == used);
  }
  std::error_code ec;
  fs::remove_all(used, ec);
}

TEST_CASE("embedded PostgreSQL starts while other threads run and inherits no descriptors",
          "[embedded_postgres]") {
  int leak[2];
  REQUIRE(pipe(leak) == 0);  // deliberately without O_CLOEXEC
  struct stat leak_st {};
  REQUIRE(fstat(leak[0], &leak_st) == 0);
  std::atomic<bool> done{false};
  struct Joiner {
    std::atomic<bool>& done;
    std::thread thread;
    ~Joiner() {
      done = true;
      thread.join();
    }
  } busy{done, std::thread([&done] {
           while (!done) std::vector<std::string> garbage(64, std::string(256, 'x'));  // keeps malloc busy
         })};

  TempDir dir;
  auto pg = start_in(dir.path());
  PgConnection conn = connect(pg->owner_conninfo());
  CHECK(query_one(conn, "SELECT 1") == "1");
  std::error_code ec;
  int fds = 0;
  for (const auto& entry : fs::directory_iterator("/proc/" + std::to_string(pg->server_pid()) + "/fd", ec)) {
    struct stat st {};
    ++fds;
    if (stat(entry.path().c_str(), &st) == 0)
      CHECK_FALSE((S_ISFIFO(st.st_mode) && st.st_ino == leak_st.st_ino));
  }
  CHECK(fds > 0);
  close(leak[0]);
  close(leak[1]);
}

TEST_CASE("embedded PostgreSQL reports missing binaries and foreign folders clearly", "[embedded_postgres]") {
  TempDir dir;
  EmbeddedPostgresOptions options;
  options.data_dir = dir.path();
  options.bin_dir = dir.path() + "/no-such-bin";
  auto missing = EmbeddedPostgres::start(options);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(missing.status().message().find("install the postgresql package") != std::string::npos);

  options.bin_dir.clear();
  std::ofstream(dir.path() + "/pgdata/stray-file") << "not a cluster";
  auto foreign = EmbeddedPostgres::start(options);
  REQUIRE_FALSE(foreign.ok());
  CHECK(foreign.status().message().find("holds no PostgreSQL cluster") != std::string::npos);
}

TEST_CASE("pg: parameters round-trip quotes and semicolons and NULL unchanged", "[embedded_postgres][pg]") {
  PgConnection conn = connect(TestPostgres::fresh_database());
  const std::string nasty = "it's \"quoted\"; DROP TABLE t; -- \\ $1 \n\t ünïcødé 🐉";
  REQUIRE(conn.exec("CREATE TABLE t (id int PRIMARY KEY, v text)").ok());
  auto ins = conn.exec_params("INSERT INTO t VALUES ($1, $2), ($3, $4)",
                              {std::string("1"), nasty, std::string("2"), std::nullopt});
  INFO(ins.status().to_string());
  REQUIRE(ins.ok());
  CHECK(ins->affected_rows() == 2);

  auto r = conn.exec_params("SELECT id, v FROM t WHERE v = $1 OR v IS NULL ORDER BY id", {nasty});
  REQUIRE(r.ok());
  REQUIRE(r->rows() == 2);
  CHECK(r->get(0, 1) == nasty);
  CHECK_FALSE(r->is_null(0, 1));
  CHECK(r->is_null(1, 1));
  CHECK(r->column("v") == 1);
  auto id = r->get_int64(1, 0);
  REQUIRE(id.ok());
  CHECK(*id == 2);
  CHECK_FALSE(r->get_int64(1, 1).ok());  // NULL is not an integer

  require_ok(conn.prepare("by_id", "SELECT v FROM t WHERE id = $1", 1));
  auto p = conn.exec_prepared("by_id", {std::string("1")});
  REQUIRE(p.ok());
  CHECK(p->get(0, 0) == nasty);

  auto nul = conn.exec_params("SELECT $1", {std::string("a\0b", 3)});
  CHECK(nul.status().code() == StatusCode::kInvalidArgument);
  CHECK(query_one(conn, "SELECT count(*) FROM t") == "2");  // table still there
}

TEST_CASE("pg: errors map to status codes", "[embedded_postgres][pg]") {
  PgConnection conn = connect(TestPostgres::fresh_database());
  REQUIRE(conn.exec("CREATE TABLE u (k text PRIMARY KEY)").ok());
  REQUIRE(conn.exec_params("INSERT INTO u VALUES ($1)", {std::string("a")}).ok());
  auto dup = conn.exec_params("INSERT INTO u VALUES ($1)", {std::string("a")});
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.status().code() == StatusCode::kConflict);

  auto bad = conn.exec("SELECT * FROM no_such_table");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kInternal);
  CHECK(bad.status().message().find("42P01") != std::string::npos);
  CHECK(conn.ok());
}

TEST_CASE("pg: a stopped server gives kUnavailable and reset() reconnects", "[embedded_postgres][pg]") {
  TempDir dir;
  auto pg = start_in(dir.path());
  PgConnection conn = connect(pg->owner_conninfo());
  require_ok(conn.prepare("two", "SELECT 2", 0));
  require_ok(pg->stop());

  auto lost = conn.exec("SELECT 1");
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.status().code() == StatusCode::kUnavailable);
  CHECK_FALSE(conn.ok());

  auto refused = PgConnection::connect(pg->owner_conninfo());
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == StatusCode::kUnavailable);
  CHECK(refused.status().message().find("database is unreachable") != std::string::npos);
  CHECK(refused.status().message().find("is PostgreSQL running") != std::string::npos);
  CHECK(conn.reset().code() == StatusCode::kUnavailable);

  pg = start_in(dir.path());
  require_ok(conn.reset());
  auto two = conn.exec_prepared("two", {});  // prepared again by reset()
  REQUIRE(two.ok());
  CHECK(two->get(0, 0) == "2");
}

TEST_CASE("pg: a reused statement is prepared once and survives a reconnect", "[embedded_postgres][pg]") {
  TempDir dir;
  auto pg = start_in(dir.path());
  PgConnection conn = connect(pg->owner_conninfo());
  const std::string sql = "SELECT $1::int + 1";
  for (int i = 0; i < 7; ++i) {  // past the five runs after which PostgreSQL may switch to a generic plan
    auto r = conn.exec_reused(sql, {std::to_string(i)});
    REQUIRE(r.ok());
    CHECK(r->get(0, 0) == std::to_string(i + 1));
  }
  CHECK(query_one(conn, "SELECT count(*) FROM pg_prepared_statements") == "1");

  require_ok(pg->stop());
  CHECK(conn.exec_reused(sql, {"1"}).status().code() == StatusCode::kUnavailable);
  pg = start_in(dir.path());
  require_ok(conn.reset());
  auto again = conn.exec_reused(sql, {"41"});
  REQUIRE(again.ok());
  CHECK(again->get(0, 0) == "42");
  CHECK(query_one(conn, "SELECT count(*) FROM pg_prepared_statements") == "1");
}

TEST_CASE("pg: Transaction rolls back on scope exit and commits on request", "[embedded_postgres][pg]") {
  PgConnection conn = connect(TestPostgres::fresh_database());
  REQUIRE(conn.exec("CREATE TABLE tx (id int PRIMARY KEY)").ok());
  {
    auto tx = Transaction::begin(conn);
    REQUIRE(tx.ok());
    REQUIRE(conn.exec("INSERT INTO tx VALUES (1)").ok());
  }
  CHECK(query_one(conn, "SELECT count(*) FROM tx") == "0");
  {
    auto tx = Transaction::begin(conn, Transaction::Isolation::kSerializable);
    REQUIRE(tx.ok());
    REQUIRE(conn.exec("INSERT INTO tx VALUES (2)").ok());
    require_ok(tx->commit());
    CHECK_FALSE(tx->active());
    CHECK(tx->commit().code() == StatusCode::kConflict);  // already finished
  }
  CHECK(query_one(conn, "SELECT count(*) FROM tx") == "1");
  {
    auto tx = Transaction::begin(conn);
    REQUIRE(tx.ok());
    CHECK(conn.exec("INSERT INTO tx VALUES (2)").status().code() == StatusCode::kConflict);
    CHECK(tx->commit().code() == StatusCode::kConflict);  // rolled back by the server
  }
  CHECK(query_one(conn, "SELECT count(*) FROM tx") == "1");
  CHECK(PQtransactionStatus(conn.native_handle()) == PQTRANS_IDLE);
}

TEST_CASE("test support: fresh databases are distinct and empty", "[embedded_postgres][support]") {
  const std::string a = TestPostgres::fresh_database();
  const std::string b = TestPostgres::fresh_database();
  CHECK(a != b);
  PgConnection ca = connect(a);
  PgConnection cb = connect(b);
  REQUIRE(ca.exec("CREATE TABLE only_in_a (x int)").ok());
  CHECK(query_one(cb, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'") == "0");
  CHECK(TestPostgres::data_dir().rfind("/var/tmp/xinhui-hub-test-", 0) == 0);
}
