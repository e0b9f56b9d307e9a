// Keys that change while units are connected (issue 14, item 4): a key removed
// by SIGHUP stops on the open connection at its next message, and nothing is
// sent to that connection; a rotated key keeps the old one valid until its
// grace period ends (on the hub's clock); the reload line names the units by
// fingerprint; the zmq adapter refuses a unit's key from outside its networks.
// Real hubd (or the hub in-process on a ManualClock), real CURVE, real PostgreSQL.
#include <csignal>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "config/loader.h"
#include "keys/key_file.h"
#include "test_hub.h"
#include "util/time_parse.h"

using hub::Json;
using namespace hub::testing;
using namespace std::chrono_literals;

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void replace_in_file(const std::string& path, const std::string& from, const std::string& to) {
  std::string text = read(path);
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  std::ofstream(path) << text;
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Sends SIGHUP and waits for the reload's line (the n-th "reload: applied" of the log).
void reload(HubProcess& hubd) {
  const std::size_t before = occurrences(hubd.log(), "reload: applied");
  hubd.signal(SIGHUP);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (occurrences(hubd.log(), "reload: applied") == before) {
    INFO(hubd.log());
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(50ms);  // polling interval of the log
  }
}

std::string fingerprint(const std::string& key) { return key.substr(0, 8) + "…"; }

bool is_delivery_of(const Json& m, const std::string& reference) {
  return m.value("kind", "") == "delivery" && m.value("reference", "") == reference;
}

}  // namespace

TEST_CASE("a key removed by SIGHUP stops its open connection: key_revoked, nothing stored, nothing sent to it",
          "[revocation]") {
  TestDeployment d;
  HubProcess hubd(d);
  hubd.start();
  auto sender = d.client("test.sender");
  auto receiver = d.client("test.receiver");
  receiver->hello();
  REQUIRE(receiver->wait_kind("welcome"));
  send_accepted(*sender, "REV-1", "test.faulty", "jinxiu", {{"behaviour", "remember"}});
  const auto first = receiver->wait_for([](const Json& m) { return is_delivery_of(m, "REV-1"); });
  REQUIRE(first);
  const std::int64_t delivery = (*first)["delivery"];
  receiver->ack_delivery(delivery);

  // The operator removes the receiver's key (its .pub in keys_dir) and reloads.
  const std::string old_key = d.key("test.receiver").public_key;
  std::filesystem::remove(d.dir() + "/keys/test.receiver.pub");
  reload(hubd);
  CHECK_THAT(hubd.log(), Catch::Contains("keys changed for 1 unit(s): test.receiver (" + fingerprint(old_key) +
                                         " -> no key)"));
  CHECK(hubd.log().find(old_key) == std::string::npos);  // fingerprints only, never a whole key

  SECTION("its next message is answered key_revoked and not taken") {
    receiver->reply(delivery, "AFTER-REVOKE", true, "done", {{"note", "too late"}});
    const auto answer = receiver->wait_kind("error");
    REQUIRE(answer);
    CHECK((*answer)["code"] == "key_revoked");
    CHECK((*answer)["retry"] == false);
    receiver->send({{"kind", "heartbeat"}});  // dropped without an answer: the connection was told once
    CHECK(wait_for_log(hubd, "refused a message: the CURVE key " + fingerprint(old_key) +
                                 " of an open connection of unit test.receiver no longer belongs to any unit"));
    // The adapter answered instead of the hub: the reply never reached intake, so nothing can be stored.
    CHECK(query_one(d, "SELECT count(*) FROM replies WHERE delivery_id = " + std::to_string(delivery)) == "0");
    CHECK_FALSE(receiver->wait_kind("heartbeat", 300ms));
  }
  SECTION("a delivery for the unit is not sent to the old connection; the unit's new key gets it") {
    send_accepted(*sender, "REV-2", "test.faulty", "jinxiu", {{"behaviour", "remember"}});
    REQUIRE(wait_for_log(hubd, "zmq: the connection of unit test.receiver uses the key " + fingerprint(old_key) +
                                   ", which is no longer the unit's"));
    CHECK_FALSE(receiver->wait_for([](const Json& m) { return is_delivery_of(m, "REV-2"); }, 300ms));

    // A new pair for the unit; after the reload its new connection receives what waited.
    const auto fresh = hub::keys::generate().value();
    REQUIRE(hub::keys::write(d.dir() + "/keys", "test.receiver", fresh, hub::keys::Replace::kYes).ok());
    reload(hubd);
    CHECK_THAT(hubd.log(), Catch::Contains("test.receiver (no key -> " + fingerprint(fresh.public_key) + ")"));
    UnitClient renewed(d.endpoint(), fresh, d.hub_public_key());
    renewed.hello();
    const auto second = renewed.wait_for([](const Json& m) { return is_delivery_of(m, "REV-2"); }, 15s);
    REQUIRE(second);
    renewed.ack_delivery((*second)["delivery"]);
    CHECK(wait_until(d, "SELECT count(*) FROM deliveries d JOIN cases c ON c.id = d.case_id "
                        "WHERE c.reference = 'REV-2' AND d.acked_at IS NOT NULL", "1"));
    CHECK_FALSE(receiver->wait_for([](const Json& m) { return is_delivery_of(m, "REV-2"); }, 200ms));
  }
  CHECK(hubd.stop() == 0);
}

TEST_CASE("a rotated key: old and new both work until valid_until, then the old is refused", "[revocation]") {
  TestDeployment d;
  InProcessHub h(d);
  const auto old_pair = d.key("test.receiver");
  const auto new_pair = hub::keys::generate().value();
  REQUIRE(hub::keys::write(d.dir() + "/keys", "test.receiver.next", new_pair).ok());
  UnitClient old_connection(d.endpoint(), old_pair, d.hub_public_key());
  old_connection.hello();
  REQUIRE(old_connection.wait_kind("welcome"));

  const std::string until = hub::to_local_iso8601(h.clock().now() + 1h);
  replace_in_file(d.dir() + "/test_extra.yaml", "{id: test.receiver, name: 测试接收单位, adapter: zmq}",
                  "{id: test.receiver, name: 测试接收单位, adapter: zmq, public_key_file: keys/test.receiver.next.pub,"
                  " previous_key: {public_key_file: keys/test.receiver.pub, valid_until: \"" + until + "\"}}");
  auto next = hub::config::load_deployment(d.config_path());
  INFO((next.errors.empty() ? std::string() : next.errors.front().to_string()));
  REQUIRE(next.ok());
  REQUIRE(h.hub().reload(*next.deployment).ok());

  // Within the grace period: the open connection, a new one with the old key, and the new key all work.
  old_connection.send({{"kind", "heartbeat"}});
  CHECK(old_connection.wait_kind("heartbeat"));
  UnitClient old_again(d.endpoint(), old_pair, d.hub_public_key());
  old_again.hello();
  CHECK(old_again.wait_kind("welcome"));
  UnitClient renewed(d.endpoint(), new_pair, d.hub_public_key());
  renewed.hello();
  const auto welcome = renewed.wait_kind("welcome");
  REQUIRE(welcome);
  CHECK((*welcome)["unit"] == "test.receiver");

  // Past valid_until, without a reload: the old key is refused on its open connection.
  h.clock().advance(std::chrono::minutes(61));
  old_connection.send({{"kind", "heartbeat"}});
  const auto refused = old_connection.wait_kind("error");
  REQUIRE(refused);
  CHECK((*refused)["code"] == "key_revoked");
  // ... and at the handshake of a new connection (nothing comes back), while the new key carries on.
  UnitClient old_late(d.endpoint(), old_pair, d.hub_public_key());
  old_late.hello();
  renewed.send({{"kind", "heartbeat"}});
  CHECK(renewed.wait_kind("heartbeat"));
  CHECK_FALSE(old_late.wait_kind("welcome", 500ms));
}

TEST_CASE("a unit's key from outside its allowed_addresses is refused at the handshake", "[revocation][zmq]") {
  DeploymentOptions options;
  options.zmq_settings = "allowed_addresses: {test.stranger: [10.9.0.0/16, \"2001:db8::/32\"], "
                         "test.sender: [127.0.0.0/8]}";
  TestDeployment d(options);
  HubProcess hubd(d);
  hubd.start();
  CHECK(wait_for_log(hubd, "zmq: units restricted to networks: test.sender: 127.0.0.0/8; test.stranger: "
                           "10.9.0.0/16, 2001:db8::/32"));
  auto stranger = d.client("test.stranger");
  stranger->hello();
  CHECK(wait_for_log(hubd, "refused connection: unit test.stranger's key " +
                               fingerprint(d.key("test.stranger").public_key) +
                               " from 127.0.0.1, outside the unit's networks"));
  auto sender = d.client("test.sender");  // within its list
  sender->hello();
  CHECK(sender->wait_kind("welcome"));
  auto registry = d.client("registry");  // no list: from anywhere
  registry->hello();
  CHECK(registry->wait_kind("welcome"));
  CHECK_FALSE(stranger->wait_kind("welcome", 200ms));
  CHECK(hubd.stop() == 0);
}
