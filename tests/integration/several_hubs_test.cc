// Several hubs on one database (docs/ARCHITECTURE.md, "Several hubs"): the
// schema migrated by hubs starting at once, a case and its reply crossing
// from one hub to another at once (not at the next poll), and a delivery
// leased by a hub that died taken over by another once the lease ends.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "store/migrations.h"
#include "store/pg.h"
#include "test_database.h"
#include "test_hub.h"
#include "util/time_parse.h"

using hub::Json;
using namespace hub::testing;

namespace {

double median_ms(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

bool is_delivery(const Json& j) { return j.value("kind", "") == "delivery"; }

}  // namespace

TEST_CASE("hubs starting at once on a fresh database migrate it once, without error", "[hubs]") {
  const std::string conninfo = hub::test::TestPostgres::fresh_database();
  constexpr int kHubs = 4;
  std::vector<hub::Result<int>> versions(kHubs, hub::Status::Internal("not run"));
  std::vector<std::thread> hubs;
  for (int i = 0; i < kHubs; ++i)
    hubs.emplace_back([&, i] {
      auto db = hub::store::PgConnection::connect(conninfo);
      versions[static_cast<std::size_t>(i)] = db.ok() ? hub::store::migrate(*db) : hub::Result<int>(db.status());
    });
  for (auto& t : hubs) t.join();
  for (const auto& v : versions) {
    INFO((v.ok() ? std::string() : v.status().message()));
    REQUIRE(v.ok());
    CHECK(v.value() == versions.front().value());
  }
  auto db = hub::store::PgConnection::connect(conninfo);
  REQUIRE(db.ok());
  auto applied = db->exec("SELECT count(*) = count(DISTINCT version), max(version) FROM schema_migrations");
  REQUIRE(applied.ok());
  CHECK(applied->get(0, 0) == "t");
  CHECK(applied->get(0, 1) == std::to_string(versions.front().value()));
}

TEST_CASE("a case sent through one hub reaches a receiver on another at once, and its reply comes back", "[hubs][e2e]") {
  DeploymentOptions options;
  options.backoff_ms = 10000;  // no timed resend within the test
  TestDeployment first(options);  // id "test", overridden on the command line
  options.shared_database = first.conninfo();
  options.hub_id = "hub-b";
  TestDeployment second(options);
  // Both hubs look for unannounced work only every 30 s: a case (or reply) that
  // reaches the other hub within the test's seconds was announced to it.
  HubProcess a(first, {"--hub-id", "hub-a", "--dispatch-poll-ms", "30000"}),
      b(second, {"--dispatch-poll-ms", "30000"});
  a.start();
  b.start();
  auto sender = first.client("test.sender");     // at hub A
  auto receiver = second.client("test.receiver");  // at hub B
  sender->hello();
  receiver->hello();
  auto welcome_a = sender->wait_kind("welcome");
  auto welcome_b = receiver->wait_kind("welcome");
  REQUIRE(welcome_a);
  REQUIRE(welcome_b);
  CHECK((*welcome_a)["hub"] == "hub-a");
  CHECK((*welcome_b)["hub"] == "hub-b");

  // Without a word from A, B finds each case at its next poll, and A each reply.
  constexpr int kRounds = 8;
  std::vector<double> to_receiver, back_to_sender;
  for (int i = 0; i < kRounds; ++i) {
    const std::string ref = "X-" + std::to_string(i);
    const auto sent = std::chrono::steady_clock::now();
    const auto accepted = send_accepted(*sender, ref, "test.faulty", "", Json::object());
    const auto id = accepted["deliveries"][0]["delivery"].get<std::int64_t>();
    auto delivery = receiver->wait_for([&](const Json& j) { return is_delivery(j) && j["delivery"] == id; });
    REQUIRE(delivery);
    to_receiver.push_back(ms_since(sent));
    CHECK((*delivery)["attempt"] == 1);
    receiver->ack_delivery(id);

    const auto replied = std::chrono::steady_clock::now();
    receiver->reply(id, "R-" + std::to_string(i), true, "done", Json::object());
    auto answer = receiver->wait_answer("R-" + std::to_string(i));
    REQUIRE(answer);
    REQUIRE((*answer)["kind"] == "reply_accepted");
    auto reply = sender->wait_for([&](const Json& j) { return j.value("kind", "") == "reply" && j["delivery"] == id; });
    REQUIRE(reply);
    back_to_sender.push_back(ms_since(replied));
    sender->ack_reply((*reply)["reply"].get<std::int64_t>());
  }
  std::vector<double> round_trips;
  for (int i = 0; i < kRounds; ++i)
    round_trips.push_back(to_receiver[static_cast<std::size_t>(i)] + back_to_sender[static_cast<std::size_t>(i)]);
  INFO("median send → delivery " << median_ms(to_receiver) << " ms, reply → originator " << median_ms(back_to_sender)
                                 << " ms, both " << median_ms(round_trips) << " ms");
  // Found at the polls instead, each leg would wait for the other hub's next
  // poll, up to 30 s. Announced, a few ms each (about 150 ms a round at worst
  // under the sanitizers on a busy machine).
  CHECK(median_ms(round_trips) < 5000);
  CHECK(wait_until(first, "SELECT count(*) FROM deliveries WHERE state = 'acked'", std::to_string(kRounds)));
  CHECK(wait_until(first, "SELECT count(*) FROM replies WHERE state = 'acked'", std::to_string(kRounds)));
  // (A resend may happen: B makes the receiver's pending work due again when it
  // handles the hello, which can come after B sent the first case.)
  CHECK(query_one(first, "SELECT count(*) FROM events WHERE kind = 'parked'") == "0");
  CHECK(a.stop() == 0);
  CHECK(b.stop() == 0);
}

TEST_CASE("a delivery leased by a hub that was killed is sent by another hub once the lease ends, and acked there",
          "[hubs][e2e]") {
  TestDeployment first;
  DeploymentOptions options;
  options.shared_database = first.conninfo();
  options.hub_id = "hub-b";
  TestDeployment second(options);
  // Hub B runs on a manual clock that stays behind the real one until moved:
  // nothing A writes is due for B before the test says so.
  InProcessHub b(second);
  auto at_b = second.client("test.receiver");
  at_b->hello();
  REQUIRE(at_b->wait_kind("welcome"));
  HubProcess a(first, {"--hub-id", "hub-a"});
  a.start();
  auto at_a = first.client("test.receiver");  // the same unit, connected to A too
  at_a->hello();
  REQUIRE(at_a->wait_kind("welcome"));

  auto sender = first.client("test.sender");
  const auto id = send_accepted(*sender, "L-1", "test.faulty", "", Json::object())["deliveries"][0]["delivery"]
                      .get<std::int64_t>();
  auto first_send = at_a->wait_for([&](const Json& j) { return is_delivery(j) && j["delivery"] == id; });
  REQUIRE(first_send);
  CHECK((*first_send)["attempt"] == 1);
  const std::string row = "FROM deliveries WHERE id = " + std::to_string(id);
  CHECK(query_one(first, "SELECT lease_owner " + row) == "hub-a");
  const auto lease_until =
      hub::parse_iso8601(query_one(first, "SELECT to_char(lease_until AT TIME ZONE 'UTC', "
                                          "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') " + row));
  REQUIRE(lease_until);
  a.kill();  // not acked: the delivery stays leased by the dead hub

  // Until the lease ends, B leaves it alone, however often it looks.
  b.clock().set(*lease_until - std::chrono::milliseconds(50));
  at_b->send({{"kind", "heartbeat"}});
  CHECK_FALSE(at_b->wait_for(is_delivery, std::chrono::milliseconds(600)));
  CHECK(query_one(first, "SELECT lease_owner " + row) == "hub-a");

  b.clock().set(*lease_until + std::chrono::milliseconds(1));
  auto taken_over = at_b->wait_for([&](const Json& j) { return is_delivery(j) && j["delivery"] == id; });
  REQUIRE(taken_over);
  CHECK((*taken_over)["attempt"] == 2);
  CHECK(query_one(first, "SELECT lease_owner " + row) == "hub-b");
  at_b->ack_delivery(id);
  CHECK(wait_until(first, "SELECT state " + row, "acked"));
}

TEST_CASE("hubd refuses a hub id that is not an id", "[hubs][cli]") {
  std::string out;
  const int code = run_command(std::string(HUB_BINARY_DIR) + "/bin/hubd --hub-id 'Hub A' --check-config x.yaml", out);
  CHECK(code == 2);
  CHECK(out.find("--hub-id") != std::string::npos);
}

TEST_CASE("the Python client moves to the next hub when its hub stops answering", "[hubs][cli][python]") {
  TestDeployment first;
  DeploymentOptions options;
  options.shared_database = first.conninfo();
  options.hub_id = "hub-b";
  options.keys_from = first.dir();  // the same keys at both hubs
  TestDeployment second(options);
  HubProcess a(first, {"--hub-id", "hub-a"}), b(second);
  a.start();
  b.start();
  a.kill();  // the client's first hub is gone; its connection attempt just waits
  const std::string keys = first.dir() + "/keys/";
  std::ofstream(first.dir() + "/failover.py") << "import sys, json\n"
      "sys.path.insert(0, '" << std::string(HUB_SOURCE_DIR) << "/adapters/zmq/examples')\n"
      "from xh_client import HubClient\n"
      "with HubClient('" << first.endpoint() << "," << second.endpoint() << "', '" << keys << "test.sender.key', '"
      << keys << "hub.pub') as hub:\n"
      "    hub.heartbeat_seconds = 1  # silent for 3 s: the next hub\n"
      "    answer = hub.send_case('PY-FAIL-1', 'test.faulty', {}, timeout=20)\n"
      "    print(json.dumps({'answer': answer, 'endpoint': hub.endpoint}))\n";
  std::string out;
  REQUIRE(run_command("/usr/bin/python3 " + first.dir() + "/failover.py", out) == 0);
  INFO(out);
  const Json result = Json::parse(out);
  CHECK(result["answer"]["kind"] == "accepted");
  CHECK(result["endpoint"] == second.endpoint());
  CHECK(query_one(first, "SELECT count(*) FROM cases WHERE reference = 'PY-FAIL-1'") == "1");
}
