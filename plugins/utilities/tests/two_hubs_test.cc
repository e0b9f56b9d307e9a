// plugins/utilities/tests/two_hubs_test.cc: two hubs on one database record
// verdicts on one joint acceptance at the same moment, and neither verdict is
// lost (plugin-wide state is compare-and-set, hub/plugin.h).
//
// The interleaving is forced, not hoped for: the test holds the acceptance's
// record row, so hub A's hook (water's verdict) reads the record and then
// waits at its commit; only then may hub B (whose clock is behind until the
// test moves it) claim fire's verdict, whose hook reads the same record and
// waits too. Both have read the record before either commits.
#include <catch2/catch.hpp>

#include <functional>

#include "store/pg.h"
#include "test_hub.h"

using hub::Json;
using namespace hub::testing;

namespace {

constexpr const char* kLockWaits =
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";

// The next delivery of `type` to `unit`, acked.
Json delivery_of(UnitClient& unit, const std::string& type) {
  auto d = unit.wait_for([&](const Json& j) { return j.value("kind", "") == "delivery" && j.value("type", "") == type; });
  REQUIRE(d);
  unit.ack_delivery((*d)["delivery"].get<std::int64_t>());
  return *d;
}

void passed(UnitClient& unit, const Json& delivery, const std::string& reference) {
  unit.reply(delivery["delivery"].get<std::int64_t>(), reference, true, "passed", Json::object());
  auto answer = unit.wait_answer(reference);
  REQUIRE(answer);
  REQUIRE((*answer)["kind"] == "reply_accepted");
}

}  // namespace

TEST_CASE("two hubs record verdicts on one joint acceptance at once: the record keeps both and the acceptance "
          "completes", "[utilities][hubs]") {
  DeploymentOptions options;
  options.hub_id = "hub-a";
  TestDeployment first(options);
  options.shared_database = first.conninfo();
  options.hub_id = "hub-b";
  TestDeployment second(options);
  InProcessHub b(second);
  // A runs an hour ahead: B claims none of the hook tasks A's units cause until the test moves B's clock.
  InProcessHub a(first, b.clock().now() + std::chrono::hours(1));
  auto zjj = first.client("zjj");
  auto water = first.client("water");
  auto fire = first.client("fire");
  for (auto* c : {zjj.get(), water.get(), fire.get()}) c->hello();

  const Json opened = send_accepted(*zjj, "YS-2H", "utilities.joint_acceptance", "jinxiu",
                                    {{"acceptance_id", "ZJJ-YS-2026-009"},
                                     {"project", "锦绣花园三期"},
                                     {"developer", "敖汉旗锦绣房地产开发有限公司"},
                                     {"requested_on", "2026-03-01"},
                                     {"items", {"water_network", "fire_facilities"}}});
  const std::string record =
      "FROM plugin_state WHERE plugin = 'utilities' AND case_id = 0 AND key = 'acceptance/" +
      std::to_string(opened["case"].get<std::int64_t>()) + "'";
  const Json water_item = delivery_of(*water, "utilities.acceptance_item");
  const Json fire_item = delivery_of(*fire, "utilities.acceptance_item");
  REQUIRE(query_one(first, "SELECT version " + record) == "1");

  auto holder = hub::store::PgConnection::connect(first.conninfo());
  REQUIRE(holder.ok());
  REQUIRE(holder->exec("BEGIN").ok());
  REQUIRE(holder->exec("SELECT 1 " + record + " FOR UPDATE").ok());

  passed(*water, water_item, "W-2H");
  REQUIRE(wait_until(first, kLockWaits, "1"));  // A read the record and waits to commit
  passed(*fire, fire_item, "F-2H");
  b.clock().set(a.clock().now());  // B may claim fire's verdict; water's is A's until its lease ends
  REQUIRE(wait_until(first, kLockWaits, "2"));  // B read the same record and waits too
  REQUIRE(holder->exec("ROLLBACK").ok());

  // The second commit found the record changed, ran its hook again on A's
  // record, and the last verdict completes the acceptance.
  const Json result = delivery_of(*zjj, "utilities.acceptance_result");
  CHECK(result["payload"]["status"] == "completed");
  CHECK(result["payload"]["items"].size() == 2);
  const Json stored = Json::parse(query_one(first, "SELECT value::text " + record));
  CHECK(stored["status"] == "completed");
  CHECK(stored["items"]["water_network"]["verdict"] == "passed");
  CHECK(stored["items"]["fire_facilities"]["verdict"] == "passed");
  CHECK(query_one(first, "SELECT version " + record) == "3");  // opened, then one write per verdict
  // Running again was neither a failure nor a retry of the plugin's.
  CHECK(query_one(first, "SELECT string_agg(state || ' ' || attempts || ' ' || retries, ',') FROM hook_tasks "
                         "WHERE hook = 'reply'") == "done 1 0,done 1 0");
  CHECK(query_one(first, "SELECT count(*) FROM events WHERE kind IN ('hook_failed', 'hook_retry', 'hook_deferred')") ==
        "0");
}
