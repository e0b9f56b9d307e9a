// Integration tests of least privilege in the embedded PostgreSQL
// (store/embedded_postgres_access.h, store/runtime_grants.h) against a real
// server: peer authentication, the owner and runtime roles, their rights,
// and the conversion of a cluster made by an earlier version.
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "old_embedded_cluster.h"
#include "store/embedded_postgres.h"
#include "store/embedded_postgres_os.h"
#include "store/embedded_postgres_setup.h"
#include "store/migrations.h"
#include "store/pg.h"
#include "store/runtime_grants.h"
#include "embedded_pg_helpers.h"
#include "test_database.h"

namespace {

using hub::store::EmbeddedPostgres;
using hub::store::PgConnection;
using hub::test::TempDir;
namespace fs = std::filesystem;

std::unique_ptr<EmbeddedPostgres> start_in(const std::string& dir) { return hub::test::start_embedded_in(dir); }
PgConnection connect(const std::string& conninfo) { return hub::test::connect_to(conninfo); }
std::string query_one(PgConnection& conn, const std::string& sql) { return hub::test::single_value(conn, sql); }

// Runs sql and requires PostgreSQL's "insufficient privilege" (42501) or
// "must be owner" (also 42501) answer.
void require_refused(PgConnection& conn, const std::string& sql) {
  auto r = conn.exec(sql);
  INFO(sql << ": " << r.status().to_string());
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("42501") != std::string::npos);
}

bool running_as_root_with_server_user() {
  const char* env = std::getenv("XH_PG_USER");
  return geteuid() == 0 && getpwnam(env != nullptr && *env != '\0' ? env : "postgres") != nullptr;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Collects what spdlog's default logger writes while it lives.
class LogCapture {
 public:
  LogCapture() : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)) {
    spdlog::default_logger()->sinks().push_back(sink_);
  }
  ~LogCapture() {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
  }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

// Runs psql as OS user `name` against the server, logging in as `role`;
// returns its exit status and output.
int psql_as(const std::string& name, const EmbeddedPostgres& pg, const std::string& role, std::string& output) {
  passwd* pw = getpwnam(name.c_str());
  REQUIRE(pw != nullptr);
  hub::store::detail::OsUser user;
  user.name = name;
  user.home = "/";
  user.uid = pw->pw_uid;
  user.gid = pw->pw_gid;
  user.groups = {pw->pw_gid};
  user.switch_to = geteuid() == 0;
  const std::string out_path = pg.data_dir() + "/psql-" + name + ".out";
  FILE* out = std::fopen(out_path.c_str(), "w");
  REQUIRE(out != nullptr);
  const std::string bin = "/usr/lib/postgresql/15/bin";
  auto rc = hub::store::detail::run_as(
      user, {bin + "/psql", "--no-psqlrc", "--no-password", "-h", pg.data_dir() + "/pgrun", "-p",
             std::to_string(EmbeddedPostgres::kSocketPort), "-U", role, "-d", "hub", "-c", "SELECT 1"},
      hub::store::detail::child_env(user, bin), fileno(out));
  std::fclose(out);
  REQUIRE(rc.ok());
  output = read_file(out_path);
  return *rc;
}

}  // namespace

TEST_CASE("embedded PostgreSQL lets the hub's OS user in as the owner and runtime roles only, by peer",
          "[embedded_postgres][roles]") {
  TempDir dir;
  auto pg = start_in(dir.path());
  const std::string hba = read_file(dir.path() + "/pgdata/pg_hba.conf");
  CHECK(hba.find("peer map=xinhui") != std::string::npos);
  CHECK(hba.find("trust") == std::string::npos);

  PgConnection owner = connect(pg->owner_conninfo());
  CHECK(query_one(owner, "SELECT current_user") == "hub_owner");
  CHECK(query_one(owner, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'hub'") == "hub_owner");
  CHECK(query_one(owner, "SELECT count(*) FROM pg_roles WHERE rolname IN ('hub_owner', 'hub_runtime') AND NOT "
                         "(rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls)") == "2");
  PgConnection runtime = connect(pg->runtime_conninfo());
  CHECK(query_one(runtime, "SELECT current_user") == "hub_runtime");
  require_refused(runtime, "CREATE TABLE mine (x int)");

  // No role but the two: not another existing role, not the superuser.
  auto other = PgConnection::connect(pg->owner_conninfo() + " user=pg_monitor");
  CHECK_FALSE(other.ok());
  if (running_as_root_with_server_user()) {
    auto super = PgConnection::connect(pg->superuser_conninfo("postgres"));
    REQUIRE_FALSE(super.ok());
    CHECK(super.status().message().find("authentication failed") != std::string::npos);
  }
}

TEST_CASE("embedded PostgreSQL refuses other OS users", "[embedded_postgres][roles]") {
  if (!running_as_root_with_server_user()) {
    WARN("only meaningful as root with a postgres user; skipped");
    return;
  }
  TempDir dir;
  auto pg = start_in(dir.path());
  std::string out;
  // The server's own user keeps its superuser for maintenance ...
  CHECK(psql_as("postgres", *pg, "postgres", out) == 0);
  // ... but may not log in as the hub's roles.
  CHECK(psql_as("postgres", *pg, "hub_runtime", out) != 0);
  CHECK(out.find("Peer authentication failed") != std::string::npos);
  CHECK(psql_as("postgres", *pg, "hub_owner", out) != 0);
  // Anyone else does not even reach the socket.
  CHECK(psql_as("nobody", *pg, "hub_runtime", out) != 0);
}

TEST_CASE("the runtime role reads and writes rows but cannot change the schema or the history",
          "[embedded_postgres][roles]") {
  TempDir dir;
  auto pg = start_in(dir.path());
  PgConnection owner = connect(pg->owner_conninfo());
  REQUIRE(hub::store::migrate(owner).ok());
  auto granted = hub::store::grant_runtime_rights(owner, pg->runtime_conninfo());
  INFO(granted.status().to_string());
  REQUIRE(granted.ok());
  CHECK(*granted == "hub_runtime");
  REQUIRE(hub::store::grant_runtime_rights(owner, pg->owner_conninfo()).value().empty());  // one role: nothing

  PgConnection rt = connect(pg->runtime_conninfo());
  const std::string id = query_one(rt,
                                   "INSERT INTO cases (origin, reference, type, payload, created_at) "
                                   "VALUES ('a', 'r1', 't', '{}', now()) RETURNING id");
  CHECK(query_one(rt, "UPDATE cases SET route = 'x' WHERE id = " + id + " RETURNING route") == "x");
  CHECK(query_one(rt, "INSERT INTO events (at, kind, case_id) VALUES (now(), 'accepted', " + id +
                          ") RETURNING kind") == "accepted");
  CHECK(query_one(rt, "INSERT INTO timers (plugin, case_id, name, due_at, data) VALUES ('p', " + id +
                          ", 'n', now(), '{}') RETURNING name") == "n");
  CHECK(query_one(rt, "DELETE FROM timers WHERE name = 'n' RETURNING name") == "n");

  require_refused(rt, "UPDATE events SET kind = 'forged'");
  require_refused(rt, "DELETE FROM events");
  require_refused(rt, "TRUNCATE events");
  require_refused(rt, "DELETE FROM cases");
  require_refused(rt, "DROP TABLE events");
  require_refused(rt, "ALTER TABLE cases ADD COLUMN mine int");
  require_refused(rt, "CREATE TABLE mine (x int)");
  require_refused(rt, "INSERT INTO schema_migrations VALUES (99, 'mine', now())");
  CHECK(query_one(rt, "SELECT count(*) FROM pg_class WHERE relowner = 'hub_runtime'::regrole") == "0");

  // A table of a later migration: rows by default privileges, still no delete.
  REQUIRE(owner.exec("CREATE TABLE later (id bigserial PRIMARY KEY, v text)").ok());
  CHECK(query_one(rt, "INSERT INTO later (v) VALUES ('x') RETURNING v") == "x");
  require_refused(rt, "DELETE FROM later");
  REQUIRE(owner.exec("DROP TABLE later").ok());

  // Every table of the schema has its rights declared.
  std::set<std::string> declared, found;
  for (const auto& t : hub::store::runtime_table_rights()) declared.insert(t.table);
  auto tables = owner.exec("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
  REQUIRE(tables.ok());
  for (int i = 0; i < tables->rows(); ++i) found.insert(std::string(tables->get(i, 0)));
  CHECK(found == declared);
}

TEST_CASE("an embedded cluster made by an earlier version is converted at start", "[embedded_postgres][roles]") {
  TempDir dir;
  const bool leave_running = GENERATE(false, true);
  INFO((leave_running ? "the old server still runs (adopted)" : "the old server was stopped"));
  hub::test::make_old_embedded_cluster(dir.path(), {leave_running});
  CHECK(read_file(dir.path() + "/pgdata/pg_hba.conf").find("peer map") == std::string::npos);

  std::string logged;
  std::unique_ptr<EmbeddedPostgres> pg;
  {
    LogCapture capture;
    pg = start_in(dir.path());
    logged = capture.text();
  }
  CHECK(pg->adopted() == leave_running);
  CHECK(logged.find("made by an earlier version (trust authentication, one superuser): converting it") !=
        std::string::npos);
  CHECK(read_file(dir.path() + "/pgdata/pg_hba.conf").find("peer map=xinhui") != std::string::npos);

  PgConnection owner = connect(pg->owner_conninfo());
  CHECK(query_one(owner, "SELECT reference FROM cases") == "old-1");
  CHECK(query_one(owner, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND "
                         "relowner <> 'hub_owner'::regrole") == "0");
  REQUIRE(hub::store::migrate(owner).ok());
  REQUIRE(hub::store::grant_runtime_rights(owner, pg->runtime_conninfo()).ok());
  PgConnection rt = connect(pg->runtime_conninfo());
  CHECK_FALSE(query_one(rt, "INSERT INTO cases (origin, reference, type, payload, created_at) "
                            "VALUES ('a', 'new-1', 't', '{}', now()) RETURNING id")
                  .empty());
  require_refused(rt, "UPDATE events SET kind = 'forged'");
  if (running_as_root_with_server_user())
    CHECK_FALSE(PgConnection::connect(pg->superuser_conninfo("hub")).ok());  // trust is gone

  // Converted once: the next start says nothing about it.
  REQUIRE(pg->stop().ok());
  LogCapture again;
  pg = start_in(dir.path());
  CHECK(again.text().find("earlier version") == std::string::npos);
}
