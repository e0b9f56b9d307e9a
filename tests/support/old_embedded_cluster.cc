// tests/support/old_embedded_cluster.cc: see old_embedded_cluster.h.
#include "old_embedded_cluster.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "store/embedded_postgres.h"
#include "store/embedded_postgres_os.h"
#include "store/embedded_postgres_setup.h"
#include "store/migrations.h"
#include "store/pg.h"

namespace hub::test {
namespace {

void run(const store::detail::OsUser& user, const std::string& bin, const std::vector<std::string>& argv,
         int log_fd) {
  auto rc = store::detail::run_as(user, argv, store::detail::child_env(user, bin), log_fd);
  INFO(argv[0] << ": " << rc.status().to_string());
  REQUIRE(rc.ok());
  REQUIRE(*rc == 0);
}

}  // namespace

std::string make_old_embedded_cluster(const std::string& data_dir, const OldClusterOptions& options) {
  namespace d = store::detail;
  auto user = d::server_user();
  REQUIRE(user.ok());
  auto layout = d::prepare_layout(*user, data_dir, store::EmbeddedPostgres::kSocketPort);
  INFO(layout.status().to_string());
  REQUIRE(layout.ok());
  auto log = d::open_log(*user, layout->log);
  REQUIRE(log.ok());
  auto bin = d::find_bin_dir("", layout->pgdata);
  REQUIRE(bin.ok());

  // What init_cluster and start_server did: trust on the socket.
  run(*user, *bin,
      {*bin + "/initdb", "-D", layout->pgdata, "-U", user->name, "--auth-local=trust", "--auth-host=reject", "-E",
       "UTF8", "--locale=C", "--no-instructions"},
      log->get());
  REQUIRE(d::write_settings(*user, *layout, store::EmbeddedPostgres::kSocketPort).ok());
  run(*user, *bin, {*bin + "/pg_ctl", "start", "-D", layout->pgdata, "-l", layout->log, "-w"}, log->get());

  // What ensure_database and the hub did, as the superuser.
  const std::string base = "host=" + layout->pgrun + " port=" + std::to_string(store::EmbeddedPostgres::kSocketPort) +
                           " user=" + user->name + " dbname=";
  {
    auto admin = store::PgConnection::connect(base + "postgres");
    INFO(admin.status().to_string());
    REQUIRE(admin.ok());
    REQUIRE(admin->exec("CREATE DATABASE " + options.database).ok());
    auto db = store::PgConnection::connect(base + options.database);
    REQUIRE(db.ok());
    auto migrated = store::migrate(*db);
    INFO(migrated.status().to_string());
    REQUIRE(migrated.ok());
    REQUIRE(db->exec("INSERT INTO cases (origin, reference, type, payload, created_at) "
                     "VALUES ('test.sender', 'old-1', 'test.faulty', '{}', now())")
                .ok());
  }
  if (!options.leave_running)
    run(*user, *bin, {*bin + "/pg_ctl", "stop", "-D", layout->pgdata, "-m", "fast", "-w"}, log->get());
  return layout->base;
}

}  // namespace hub::test
