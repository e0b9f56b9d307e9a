// Delivery guarantees through the real hubd: redelivery, restarts, group
// commit, parking and replay.
#include <catch2/catch.hpp>

#include <set>

#include "test_hub.h"

using hub::Json;
using namespace hub::testing;

namespace {

Json fee_check(int i) {
  return {{"dwelling", "1-1-" + std::to_string(i)}, {"seller", "甲"}, {"buyer", "乙"}, {"application_id", "A" + std::to_string(i)}};
}

}  // namespace

TEST_CASE("an unacked delivery is sent again, with the same id, when the receiver reconnects", "[e2e][delivery]") {
  // No timed redelivery within the test.
  TestDeployment d(
      {.max_attempts = 5, .backoff_ms = 60000, .extra_yaml = "", .shared_database = "", .hub_id = "test", .keys_from = ""});
  HubProcess hubd(d);
  hubd.start();
  auto registry = d.client("registry");
  std::int64_t delivery_id = 0;
  {
    auto company = d.client("pm.jinxiu");
    company->hello();
    REQUIRE(company->wait_kind("welcome"));
    registry->send_case("R-1", "registry.fee_check", "jinxiu", fee_check(1));
    REQUIRE(registry->wait_answer("R-1"));
    auto first = company->wait_kind("delivery");
    REQUIRE(first);
    delivery_id = (*first)["delivery"].get<std::int64_t>();
    CHECK((*first)["attempt"] == 1);
    // The company's system restarts before it acks.
  }
  auto company = d.client("pm.jinxiu");
  company->hello();
  auto again = company->wait_kind("delivery");
  REQUIRE(again);
  CHECK((*again)["delivery"] == delivery_id);
  CHECK((*again)["attempt"] == 2);
  company->ack_delivery(delivery_id);
  CHECK(wait_until(d, "SELECT state FROM deliveries WHERE id = " + std::to_string(delivery_id), "acked"));
  CHECK(query_one(d, "SELECT count(*) FROM events WHERE kind = 'redelivered'") == "1");
}

TEST_CASE("hubd killed with deliveries pending loses nothing: every accepted case arrives after restart", "[e2e][delivery]") {
  TestDeployment d;
  HubProcess hubd(d);
  hubd.start();
  auto registry = d.client("registry");
  std::set<std::int64_t> accepted;
  for (int i = 0; i < 20; ++i) registry->send_case("K-" + std::to_string(i), "registry.fee_check", "chengnan", fee_check(i));
  for (int i = 0; i < 20; ++i) {
    auto a = registry->wait_answer("K-" + std::to_string(i));
    REQUIRE(a);
    REQUIRE((*a)["kind"] == "accepted");
    accepted.insert((*a)["deliveries"][0]["delivery"].get<std::int64_t>());
  }
  hubd.kill();  // SIGKILL: no clean shutdown
  hubd.start();
  auto company = d.client("pm.jinxiu");  // serves chengnan; was offline all along
  company->hello();
  std::set<std::int64_t> received;
  while (received.size() < accepted.size()) {
    auto m = company->wait_kind("delivery");
    REQUIRE(m);
    received.insert((*m)["delivery"].get<std::int64_t>());
    company->ack_delivery((*m)["delivery"].get<std::int64_t>());
  }
  CHECK(received == accepted);
  CHECK(hubd.stop() == 0);
}

TEST_CASE("100 concurrent sends are stored in far fewer than 100 commits", "[e2e][group_commit]") {
  TestDeployment d;
  HubProcess hubd(d);
  hubd.start();
  std::vector<std::unique_ptr<UnitClient>> senders;
  for (const char* unit : {"registry", "sd.xinzhou", "sd.huizhou", "town.xinhui"}) senders.push_back(d.client(unit));
  // Everyone sends before anyone waits: up to 100 cases in flight at once.
  for (int i = 0; i < 100; ++i) {
    auto& s = senders[i % senders.size()];
    if (i % senders.size() == 0) s->send_case("G-" + std::to_string(i), "registry.fee_check", "jinxiu", fee_check(i));
    else s->send_case("G-" + std::to_string(i), "complaint.general", "jinxiu", {{"category", "noise"}, {"description", "噪音"}});
  }
  for (int i = 0; i < 100; ++i) {
    auto a = senders[i % senders.size()]->wait_answer("G-" + std::to_string(i));
    REQUIRE(a);
    REQUIRE((*a)["kind"] == "accepted");
  }
  // Every case of one group commit carries the same created_at.
  const int commits = std::stoi(query_one(d, "SELECT count(DISTINCT created_at) FROM cases"));
  INFO("commits for 100 cases: " << commits);
  CHECK(query_one(d, "SELECT count(*) FROM cases") == "100");
  CHECK(commits <= 25);
}

TEST_CASE("a case no route matches is parked, listed and kept, an unacked delivery is parked and replayed", "[e2e][parked]") {
  TestDeployment d(
      {.max_attempts = 2, .backoff_ms = 200, .extra_yaml = "", .shared_database = "", .hub_id = "test", .keys_from = ""});
  HubProcess hubd(d);
  hubd.start();
  auto stranger = d.client("test.stranger");
  stranger->send_case("P-1", "test.faulty", "", Json::object());
  auto parked_case = stranger->wait_answer("P-1");
  REQUIRE(parked_case);
  CHECK((*parked_case)["kind"] == "accepted");
  CHECK((*parked_case)["deliveries"].empty());
  CHECK_THAT((*parked_case)["parked"].get<std::string>(), Catch::Contains("no route"));

  // A receiver that takes deliveries but never acks: parked after 2 attempts.
  auto receiver = d.client("test.receiver");
  receiver->hello();
  auto sender = d.client("test.sender");
  sender->send_case("P-2", "test.faulty", "", Json::object());
  auto accepted = sender->wait_answer("P-2");
  REQUIRE(accepted);
  const auto delivery = (*accepted)["deliveries"][0]["delivery"].get<std::int64_t>();
  REQUIRE(receiver->wait_kind("delivery"));
  auto second = receiver->wait_kind("delivery");
  REQUIRE(second);
  CHECK((*second)["attempt"] == 2);
  const std::string state_sql = "SELECT state FROM deliveries WHERE id = " + std::to_string(delivery);
  REQUIRE(wait_until(d, state_sql, "parked"));

  const std::string listed = hubctl(d, "parked");
  CHECK_THAT(listed, Catch::Contains(std::to_string(delivery)));
  CHECK_THAT(listed, Catch::Contains("not acknowledged after 2 attempts"));
  CHECK_THAT(listed, Catch::Contains("no route matches case type test.faulty"));

  int code = -1;
  hubctl(d, "replay --delivery " + std::to_string(delivery), &code);
  CHECK(code == 0);
  auto replayed = receiver->wait_kind("delivery");
  REQUIRE(replayed);
  CHECK((*replayed)["delivery"] == delivery);
  receiver->ack_delivery(delivery);
  CHECK(wait_until(d, state_sql, "acked"));
  CHECK(query_one(d, "SELECT detail->>'operator' FROM events WHERE kind = 'operator'") != "");

  // Replaying a case that still has no route says so and changes nothing.
  hubctl(d, "replay --case " + (*parked_case)["case"].dump(), &code);
  CHECK(code == 1);
  hubctl(d, "replay --delivery 999999", &code);
  CHECK(code == 1);
}

TEST_CASE("beyond the commit queue's capacity senders are told busy, store nothing of those, and succeed when they "
          "send again", "[e2e][backpressure]") {
  TestDeployment d;
  InProcessHub hub(d, std::nullopt, 8);
  auto sender = d.client("test.sender");
  // 400 cases at once against room for 8 waiting: the queue fills while a commit runs.
  std::set<std::string> pending;
  for (int i = 0; i < 400; ++i) {
    pending.insert("B-" + std::to_string(i));
    sender->send_case("B-" + std::to_string(i), "test.faulty", "jinxiu", {{"behaviour", "remember"}});
  }
  int busy = 0, rounds = 0;
  while (!pending.empty() && rounds++ < 50) {
    std::vector<std::string> again;
    for (const auto& reference : pending) {
      auto a = sender->wait_answer(reference);
      REQUIRE(a);
      if ((*a)["kind"] == "accepted") continue;
      REQUIRE((*a)["code"] == "busy");
      CHECK((*a)["retry"] == true);
      // Busy means nothing was stored under that reference.
      CHECK(query_one(d, "SELECT count(*) FROM cases WHERE reference = '" + reference + "'") == "0");
      ++busy;
      again.push_back(reference);
    }
    pending = std::set<std::string>(again.begin(), again.end());
    for (const auto& reference : pending) sender->send_case(reference, "test.faulty", "jinxiu", {{"behaviour", "remember"}});
  }
  INFO("busy answers: " << busy);
  CHECK(busy > 0);
  CHECK(pending.empty());
  CHECK(query_one(d, "SELECT count(*) FROM cases WHERE reference LIKE 'B-%'") == "400");
}
