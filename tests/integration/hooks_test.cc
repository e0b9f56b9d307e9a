// Plugin hooks after commit, in a hub running inside the test on a manual
// clock: state, timers, follow-up cases, replies, and failing hooks parked
// while other work flows; a hook's "retry later" rescheduled and bounded, apart
// from failures; a database failure during a hook's commit not counted against
// the plugin.
#include <csignal>

#include <catch2/catch.hpp>

#include "store/pg.h"
#include "test_hub.h"

using hub::Json;
using namespace hub::testing;

namespace {

std::int64_t send_faulty(UnitClient& sender, const std::string& reference, const std::string& behaviour,
                         Json payload = Json::object()) {
  payload["behaviour"] = behaviour;
  sender.send_case(reference, "test.faulty", "jinxiu", std::move(payload));
  auto a = sender.wait_answer(reference);
  REQUIRE(a);
  REQUIRE((*a)["kind"] == "accepted");
  return (*a)["case"].get<std::int64_t>();
}

// Sessions of the test's database waiting for a lock.
constexpr const char* kLockWaits =
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";

}  // namespace

TEST_CASE("a hook keeps state, sets a timer that fires when the clock reaches it, and sees replies", "[hooks]") {
  TestDeployment d;
  InProcessHub hub(d);
  auto sender = d.client("test.sender");
  auto receiver = d.client("test.receiver");
  receiver->hello();
  const auto id = std::to_string(send_faulty(*sender, "H-1", "remember"));
  REQUIRE(poll_until(d, hub.clock(), "SELECT value::text FROM plugin_state WHERE case_id = " + id + " AND key = 'seen'", "1"));
  CHECK(query_one(d, "SELECT value::text FROM plugin_state WHERE case_id = 0 AND key = 'cases_remembered'") == "1");
  CHECK(query_one(d, "SELECT count(*) FROM timers WHERE case_id = " + id) == "1");

  // Not yet due: nothing fires while we look (3 s, many passes of the hub's timer loop; it fires
  // within one pass once due, below).
  hub.clock().advance(std::chrono::minutes(59));
  CHECK_FALSE(wait_until(d, "SELECT count(*) FROM plugin_state WHERE key = 'fired'", "1", std::chrono::seconds(3)));
  hub.clock().advance(std::chrono::minutes(2));
  REQUIRE(poll_until(d, hub.clock(), "SELECT value::text FROM plugin_state WHERE case_id = " + id + " AND key = 'fired'",
                     "\"check\""));
  CHECK(query_one(d, "SELECT count(*) FROM timers") == "0");

  auto delivery = receiver->wait_kind("delivery");
  REQUIRE(delivery);
  receiver->reply((*delivery)["delivery"].get<std::int64_t>(), "A-1", true, "done", {{"note", "处理完毕"}});
  REQUIRE(receiver->wait_kind("reply_accepted"));
  REQUIRE(poll_until(d, hub.clock(), "SELECT value->>'note' FROM plugin_state WHERE case_id = " + id + " AND key = 'last_reply'",
                     "处理完毕"));
}

TEST_CASE("a hook can raise a follow-up case, which is routed and delivered like any case", "[hooks]") {
  TestDeployment d;
  InProcessHub hub(d);
  auto sender = d.client("test.sender");
  auto receiver = d.client("test.receiver");
  receiver->hello();
  const auto parent = send_faulty(*sender, "H-2", "follow_up");
  auto follow_up = receiver->wait_for([](const Json& j) { return j.value("type", "") == "test.followup"; });
  REQUIRE(follow_up);
  CHECK((*follow_up)["origin"] == "plugin:test_faulty");
  CHECK((*follow_up)["payload"]["parent"] == parent);
  CHECK((*follow_up)["reference"] == std::to_string(parent) + "/accepted/first");
  CHECK(query_one(d, "SELECT count(*) FROM deliveries d JOIN cases c ON c.id = d.case_id WHERE c.type = 'test.followup' "
                     "AND d.receiver = 'community.jianshe' AND d.notice") == "1");
}

TEST_CASE("a hook that throws or fails is retried, then parked, while other cases flow", "[hooks]") {
  TestDeployment d;
  InProcessHub hub(d);
  auto sender = d.client("test.sender");
  auto receiver = d.client("test.receiver");
  receiver->hello();
  const auto throwing = std::to_string(send_faulty(*sender, "H-3", "throw"));
  const auto failing = std::to_string(send_faulty(*sender, "H-4", "fail"));
  const auto healthy = std::to_string(send_faulty(*sender, "H-5", "remember"));
  REQUIRE(poll_until(d, hub.clock(), "SELECT value::text FROM plugin_state WHERE case_id = " + healthy + " AND key = 'seen'", "1"));

  // Backoffs of 2, 4, 8, 16 s pass in moments on the manual clock.
  REQUIRE(poll_until(d, hub.clock(), "SELECT count(*) FROM hook_tasks WHERE state = 'parked'", "2", std::chrono::seconds(5)));
  CHECK_THAT(query_one(d, "SELECT last_error FROM hook_tasks WHERE case_id = " + throwing),
             Catch::Contains("gave up after 5 attempts") && Catch::Contains("on_accepted threw: faulty plugin throws as asked"));
  CHECK_THAT(query_one(d, "SELECT last_error FROM hook_tasks WHERE case_id = " + failing),
             Catch::Contains("faulty plugin fails as asked"));
  CHECK(query_one(d, "SELECT count(*) FROM events WHERE kind = 'hook_failed' AND case_id = " + throwing) == "5");
  // The cases themselves were delivered: a failing hook never holds back delivery.
  int delivered = 0;
  while (delivered < 3 && receiver->wait_kind("delivery")) ++delivered;
  CHECK(delivered == 3);
}

TEST_CASE("a hook that crashes hubd is parked as poison at the second crash: no crash loop, other cases flow",
          "[hooks][poison]") {
  TestDeployment d;
  HubProcess hub(d);
  hub.start();
  auto sender = d.client("test.sender");
  sender->send_case("P-1", "test.faulty", "jinxiu", {{"behaviour", "crash"}});
  // The hook runs right after the commit and aborts hubd (the answer may or may not have left first).
  const int first = hub.wait_exit(std::chrono::seconds(20));
  CHECK(first == 128 + SIGABRT);
  const std::string poison = query_one(d, "SELECT id FROM cases WHERE reference = 'P-1'");
  REQUIRE_FALSE(poison.empty());
  CHECK(query_one(d, "SELECT attempts || ' ' || running FROM hook_tasks WHERE case_id = " + poison) == "1 true");

  // Started again, the hub retries it once the first attempt's lease (2 s) ran out: a crash may be unrelated.
  hub.start();
  const int second = hub.wait_exit(std::chrono::seconds(30));
  CHECK(second == 128 + SIGABRT);

  // The third start parks it before running it, and keeps serving.
  hub.start();
  REQUIRE(wait_until(d, "SELECT state FROM hook_tasks WHERE case_id = " + poison, "parked", std::chrono::seconds(30)));
  CHECK_THAT(query_one(d, "SELECT last_error FROM hook_tasks WHERE case_id = " + poison),
             Catch::Contains("parked as poison: the hub stopped 2 times while this hook ran"));
  CHECK(query_one(d, "SELECT count(*) FROM events WHERE kind = 'hook_failed' AND case_id = " + poison) == "2");
  CHECK_THAT(hubctl(d, "parked"), Catch::Contains("parked as poison"));

  // The accepted case itself is kept and delivered; new cases and their hooks flow.
  auto receiver = d.client("test.receiver");
  receiver->hello();
  auto delivered = receiver->wait_for([&](const Json& m) {
    return m.value("kind", "") == "delivery" && std::to_string(m.value("case", 0)) == poison;
  }, std::chrono::seconds(20));
  CHECK(delivered);
  auto healthy = send_accepted(*sender, "P-2", "test.faulty", "jinxiu", {{"behaviour", "remember"}});
  CHECK(wait_until(d, "SELECT value::text FROM plugin_state WHERE key = 'seen' AND case_id = " +
                          std::to_string(healthy["case"].get<std::int64_t>()), "1"));
  CHECK(hub.stop() == 0);
}

TEST_CASE("a hook that answers retry runs again after its backoff, uses none of its attempts and is recorded as a "
          "retry", "[hooks][retry]") {
  TestDeployment d;
  InProcessHub hub(d);
  auto sender = d.client("test.sender");
  const auto id = std::to_string(send_faulty(*sender, "R-1", "retry", {{"retries", 3}}));
  const auto asked = std::to_string(send_faulty(*sender, "R-2", "retry", {{"retries", 1}, {"after_seconds", 90}}));
  // Rescheduled exactly by the backoff: the task is due again that long after the answer.
  REQUIRE(poll_until(d, hub.clock(), "SELECT count(*) FROM events WHERE kind = 'hook_retry'", "2"));
  const std::string due_after =
      "SELECT extract(epoch FROM t.next_attempt_at - e.at)::int FROM hook_tasks t JOIN events e ON e.case_id = "
      "t.case_id AND e.kind = 'hook_retry' WHERE t.case_id = ";
  CHECK(query_one(d, due_after + id) == "5");
  CHECK(query_one(d, due_after + asked) == "90");

  // The backoffs (5, 10, 20 s; 90 s) pass on the manual clock, and the hook then completes.
  REQUIRE(poll_until(d, hub.clock(), "SELECT count(*) FROM hook_tasks WHERE state = 'done'", "2", std::chrono::seconds(5)));
  CHECK(query_one(d, "SELECT value::text FROM plugin_state WHERE key = 'seen' AND case_id = " + id) == "1");
  CHECK(query_one(d, "SELECT attempts || ' ' || retries || ' ' || interrupted FROM hook_tasks WHERE case_id = " + id) ==
        "1 3 0");
  CHECK(query_one(d, "SELECT string_agg(detail->>'delay_seconds', ',' ORDER BY id) FROM events "
                     "WHERE kind = 'hook_retry' AND case_id = " + id) == "5,10,20");
  CHECK_THAT(query_one(d, "SELECT detail->>'reason' FROM events WHERE kind = 'hook_retry' AND case_id = " + asked),
             Catch::Contains("accepted retry 1, next attempt in 90 s: faulty plugin asks to retry as asked (1)"));
  CHECK(query_one(d, "SELECT count(*) FROM events WHERE kind IN ('hook_failed', 'hook_deferred', 'parked')") == "0");
}

TEST_CASE("a hook that keeps answering retry is parked at the bound, as giving up retrying, not as failing",
          "[hooks][retry]") {
  TestDeployment d;
  InProcessHub hub(d);
  auto sender = d.client("test.sender");
  auto receiver = d.client("test.receiver");
  receiver->hello();
  const auto id = std::to_string(send_faulty(*sender, "R-3", "retry_forever"));
  // The case itself is delivered meanwhile.
  auto delivery = receiver->wait_kind("delivery");
  REQUIRE(delivery);
  receiver->ack_delivery((*delivery)["delivery"].get<std::int64_t>());
  // 5 s doubling to 15 min: about 36 minutes of backoff pass on the manual clock.
  REQUIRE(poll_until(d, hub.clock(), "SELECT state FROM hook_tasks WHERE case_id = " + id, "parked",
                     std::chrono::seconds(60)));
  CHECK(query_one(d, "SELECT attempts || ' ' || retries || ' ' || interrupted FROM hook_tasks WHERE case_id = " + id) ==
        "0 10 0");
  const std::string reason = query_one(d, "SELECT last_error FROM hook_tasks WHERE case_id = " + id);
  CHECK_THAT(reason, Catch::StartsWith("gave up retrying: the plugin answered \"retry\" 10 times") &&
                         Catch::Contains("faulty plugin waits for ever as asked"));
  CHECK(query_one(d, "SELECT count(*) FROM events WHERE kind = 'hook_retry' AND case_id = " + id) == "9");
  CHECK(query_one(d, "SELECT count(*) FROM events WHERE kind = 'hook_failed'") == "0");
  CHECK_THAT(query_one(d, "SELECT detail->>'reason' FROM events WHERE kind = 'parked' AND detail ? 'hook_task' "
                        "AND case_id = " + id),
             Catch::StartsWith("hook accepted gave up retrying"));
}

TEST_CASE("the database failing while a hook's effects commit is the hub's failure: the hook runs again, uncounted, "
          "and its effects commit once", "[hooks][outage]") {
  TestDeployment d;
  InProcessHub hub(d);
  auto sender = d.client("test.sender");
  send_faulty(*sender, "O-1", "remember");
  const std::string remembered = "SELECT value::text FROM plugin_state WHERE case_id = 0 AND key = 'cases_remembered'";
  REQUIRE(poll_until(d, hub.clock(), remembered, "1"));

  // The test holds the plugin-wide row, so the next hook's commit waits on it ...
  auto holder = hub::store::PgConnection::connect(d.conninfo());
  REQUIRE(holder.ok());
  REQUIRE(holder->exec("BEGIN").ok());
  REQUIRE(holder->exec("SELECT 1 FROM plugin_state WHERE case_id = 0 AND key = 'cases_remembered' FOR UPDATE").ok());
  const auto id = std::to_string(send_faulty(*sender, "O-2", "remember"));
  REQUIRE(wait_until(d, kLockWaits, "1"));
  // ... where the database ends the hook runner's session.
  CHECK(query_one(d, "SELECT bool_and(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = "
                     "current_database() AND wait_event_type = 'Lock'") == "t");
  REQUIRE(holder->exec("ROLLBACK").ok());

  REQUIRE(poll_until(d, hub.clock(), "SELECT state FROM hook_tasks WHERE case_id = " + id, "done"));
  CHECK(query_one(d, "SELECT attempts || ' ' || interrupted FROM hook_tasks WHERE case_id = " + id) == "1 0");
  CHECK(query_one(d, remembered) == "2");
  CHECK(query_one(d, "SELECT count(*) FROM events WHERE kind = 'hook_failed'") == "0");
  CHECK_THAT(query_one(d, "SELECT detail->>'reason' FROM events WHERE kind = 'hook_deferred' AND case_id = " + id),
             Catch::StartsWith("accepted attempt 1 not counted: the database failed while the hook ran or its "
                               "effects were committed"));
}
