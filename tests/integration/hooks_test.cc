// Plugin hooks after commit, in a hub running inside the test on a manual
// clock: state, timers, follow-up cases, replies, and failing hooks parked
// while other work flows.
#include <csignal>

#include <catch2/catch.hpp>

#include "test_hub.h"

using hub::Json;
using namespace hub::testing;

namespace {

std::int64_t send_faulty(UnitClient& sender, const std::string& reference, const std::string& behaviour) {
  sender.send_case(reference, "test.faulty", "jinxiu", {{"behaviour", behaviour}});
  auto a = sender.wait_answer(reference);
  REQUIRE(a);
  REQUIRE((*a)["kind"] == "accepted");
  return (*a)["case"].get<std::int64_t>();
}

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

  // Not yet due: nothing fires however long we look.
  hub.clock().advance(std::chrono::minutes(59));
  CHECK_FALSE(poll_until(d, hub.clock(), "SELECT count(*) FROM plugin_state WHERE key = 'fired'", "1"));
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
