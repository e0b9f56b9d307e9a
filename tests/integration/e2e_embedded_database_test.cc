// End to end through the real hubd with its embedded PostgreSQL (no
// hub.database): least privilege on a new cluster, and the conversion of a
// cluster an earlier version made (trust authentication, one superuser).
#include <catch2/catch.hpp>

#include "old_embedded_cluster.h"
#include "test_hub.h"

using hub::Json;
using namespace hub::testing;

namespace {

Json fee_check_payload() {
  return {{"dwelling", "3-2-501"}, {"seller", "张三"}, {"buyer", "李四"}, {"application_id", "BDC-2026-0002"}};
}

DeploymentOptions embedded() {
  DeploymentOptions o;
  o.embedded_database = true;
  return o;
}

// The hub's sessions on its database: its threads work as the runtime role,
// none as the superuser (the test itself looks as the owner). The role and
// database of other roles' sessions are visible to the owner, not more.
void check_sessions(const TestDeployment& d) {
  CHECK(wait_until(d, "SELECT count(*) >= 6 FROM pg_stat_activity WHERE datname = 'hub' AND usename = 'hub_runtime'",
                   "t"));
  CHECK(query_one(d, "SELECT count(*) FROM pg_stat_activity WHERE datname = 'hub' "
                     "AND usename NOT IN ('hub_runtime', 'hub_owner')") == "0");
}

}  // namespace

TEST_CASE("hubd with the embedded PostgreSQL works as the runtime role", "[e2e][embedded_database]") {
  TestDeployment d(embedded());
  HubProcess hubd(d);
  hubd.start();
  CHECK(wait_for_log(hubd, "the hub works as role hub_runtime"));
  auto registry = d.client("registry");
  send_accepted(*registry, "REG-E1", "registry.fee_check", "jinxiu", fee_check_payload());
  CHECK(query_one(d, "SELECT tableowner FROM pg_tables WHERE tablename = 'events'") == "hub_owner");
  check_sessions(d);
  CHECK(hubd.stop() == 0);
}

TEST_CASE("hubd converts an embedded cluster made by an earlier version", "[e2e][embedded_database]") {
  TestDeployment d(embedded());
  hub::test::make_old_embedded_cluster(d.dir() + "/var/postgres");
  HubProcess hubd(d);
  hubd.start();
  CHECK(wait_for_log(hubd, "was made by an earlier version (trust authentication, one superuser): converting it"));
  auto registry = d.client("registry");
  send_accepted(*registry, "REG-E2", "registry.fee_check", "jinxiu", fee_check_payload());
  CHECK(query_one(d, "SELECT count(*) FROM cases WHERE reference IN ('old-1', 'REG-E2')") == "2");
  CHECK(query_one(d, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> 'hub_owner'") ==
        "0");
  check_sessions(d);
  CHECK(hubd.stop() == 0);

  // The next start finds nothing to convert (both runs write to one log).
  HubProcess again(d);
  again.start();
  const std::string log = again.log();
  CHECK(log.find("earlier version") == log.rfind("earlier version"));
  CHECK(again.stop() == 0);
}
