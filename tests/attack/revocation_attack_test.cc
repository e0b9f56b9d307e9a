// tests/attack/revocation_attack_test.cc: attacks on the unit's key and on the
// handshake, against the real hubd (real ZeroMQ with CURVE, a real PostgreSQL):
// a connection kept open across the SIGHUP that revokes its key, deliveries
// for a unit whose key was revoked while it stays connected, and handshake
// floods from one address. After each: hubd is alive, a well-behaved unit's
// case still flows, and at the end nothing accepted was lost. One line per
// attack is printed with the answer the attacker saw.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "attack_runner.h"
#include "test_hub.h"
#include "well_behaved_flow.h"

using hub::Json;
using namespace hub::testing;
using namespace std::chrono_literals;

namespace {

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Connects `count` DEALER sockets with `keys` (one pair each, or the first for
// all) at once, and returns how many handshakes the hub refused; every socket's
// first handshake is waited for (at most 15 s in all).
int refused_handshakes(const TestDeployment& d, const std::vector<hub::keys::KeyPair>& keys, int count) {
  zmq::context_t context;
  std::vector<zmq::socket_t> sockets, monitors;
  for (int i = 0; i < count; ++i) {
    const auto& key = keys[keys.size() == 1 ? 0 : i];
    sockets.emplace_back(context, zmq::socket_type::dealer);
    monitors.emplace_back(context, zmq::socket_type::pair);
    const std::string monitor = "inproc://flood-" + std::to_string(i);
    REQUIRE(zmq_socket_monitor(sockets.back().handle(), monitor.c_str(),
                               ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) == 0);
    monitors.back().set(zmq::sockopt::linger, 0);
    monitors.back().connect(monitor);
    zmq::socket_t& s = sockets.back();
    s.set(zmq::sockopt::linger, 0);
    s.set(zmq::sockopt::curve_serverkey, d.hub_public_key());
    s.set(zmq::sockopt::curve_publickey, key.public_key);
    s.set(zmq::sockopt::curve_secretkey, key.secret_key);
  }
  for (auto& s : sockets) s.connect(d.endpoint());
  int refused = 0;
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  for (auto& m : monitors) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    m.set(zmq::sockopt::rcvtimeo, static_cast<int>(std::max<std::int64_t>(left.count(), 1)));
    zmq::message_t event, endpoint;
    if (!m.recv(event) || event.size() < 2) continue;
    (void)m.recv(endpoint, zmq::recv_flags::dontwait);
    std::uint16_t id = 0;
    std::memcpy(&id, event.data(), sizeof id);
    refused += id == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
  }
  for (auto& s : sockets) zmq_socket_monitor(s.handle(), nullptr, 0);
  return refused;
}

class Arena {
 public:
  Arena() : hubd_(deployment_) {
    hubd_.start();
    calm_ = std::make_unique<WellBehavedFlow>(deployment_);
  }

  const TestDeployment& deployment() const { return deployment_; }
  HubProcess& hubd() { return hubd_; }

  // The operator removes the unit's .pub (its key) or writes it back, and reloads.
  void revoke(const std::string& unit) { change_key(unit, [&] { std::filesystem::remove(pub(unit)); }); }
  void restore(const std::string& unit) {
    change_key(unit, [&] { std::ofstream(pub(unit)) << "public = " << deployment_.key(unit).public_key << "\n"; });
  }

  // A case accepted here must end stored with its deliveries acked.
  void expect_acked(std::int64_t case_id) { calm_->expect_acked(case_id); }
  // hubd is running and the registry's fee check reaches the company and is acked; "" or what failed.
  std::string healthy() { return calm_->check(hubd_); }
  std::string nothing_lost() const { return calm_->nothing_lost(); }

 private:
  std::string pub(const std::string& unit) const { return deployment_.dir() + "/keys/" + unit + ".pub"; }
  void change_key(const std::string& unit, const std::function<void()>& change) {
    const std::size_t before = occurrences(hubd_.log(), "reload: applied");
    change();
    hubd_.signal(SIGHUP);
    REQUIRE(wait_for_log(hubd_, "keys changed for 1 unit(s): " + unit));
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (occurrences(hubd_.log(), "reload: applied") == before) {
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(50ms);  // polling interval of the log
    }
  }

  TestDeployment deployment_;
  HubProcess hubd_;
  std::unique_ptr<WellBehavedFlow> calm_;
};

std::vector<Attack<Arena>> attacks() {
  return {
      {"connection kept open across the SIGHUP that revokes its key",
       [](Arena& a) {
         auto attacker = a.deployment().client("test.sender");
         a.expect_acked(send_accepted(*attacker, "BEFORE-1", "test.faulty", "jinxiu", {{"behaviour", "remember"}})["case"]);
         a.revoke("test.sender");
         for (int i = 0; i < 1000; ++i)
           attacker->send_case("REVOKED-" + std::to_string(i), "test.faulty", "jinxiu", {{"behaviour", "remember"}});
         // Given back its key, the same connection is answered again: every message before was read.
         a.restore("test.sender");
         attacker->send({{"kind", "heartbeat"}});
         std::vector<std::string> seen;
         while (auto m = attacker->wait_for([](const Json&) { return true; }, 15s)) {
           if (m->value("kind", "") == "heartbeat") break;
           seen.push_back(m->value("kind", "") + " " + m->value("code", ""));
         }
         const std::string stored =
             query_one(a.deployment(), "SELECT count(*) FROM cases WHERE reference LIKE 'REVOKED-%'");
         return fmt::format("{}× answered ({}), {} stored of 1000 sent after the revocation", seen.size(),
                            seen.empty() ? std::string("none") : seen.front(), stored);
       },
       "1× answered (error key_revoked), 0 stored"},
      {"deliveries to a unit revoked while it stays connected",
       [](Arena& a) {
         const auto of = [](const char* reference) {
           return [reference](const Json& m) { return m.value("kind", "") == "delivery" && m["reference"] == reference; };
         };
         auto receiver = a.deployment().client("test.receiver");
         receiver->hello();
         const auto earlier = receiver->wait_for(of("BEFORE-1"), 15s);  // the previous attack's case
         REQUIRE(earlier);
         receiver->ack_delivery((*earlier)["delivery"]);
         a.revoke("test.receiver");
         auto sender = a.deployment().client("test.sender");
         const Json accepted = send_accepted(*sender, "WHILE-REVOKED", "test.faulty", "jinxiu", {{"behaviour", "remember"}});
         a.expect_acked(accepted["case"]);
         REQUIRE(wait_for_log(a.hubd(), "zmq: the connection of unit test.receiver uses the key"));
         const bool leaked = receiver->wait_for(of("WHILE-REVOKED"), 300ms).has_value();
         // Given back its key, the unit gets what waited, on its next hello.
         a.restore("test.receiver");
         receiver->hello();
         const auto delivery = receiver->wait_for(of("WHILE-REVOKED"), 15s);
         if (delivery) receiver->ack_delivery((*delivery)["delivery"]);
         return std::string(leaked ? "a delivery REACHED the revoked connection" : "nothing sent to the old connection") +
                (delivery ? ", delivered once the key was back" : ", NOT delivered after");
       },
       "nothing sent to the old connection, delivered once the key was back"},
      {"60 handshakes at once from one address with a valid key",
       [](Arena& a) {
         const int refused = refused_handshakes(a.deployment(), {a.deployment().key("test.stranger")}, 60);
         const bool logged = wait_for_log(a.hubd(), "refused connection from 127.0.0.1: more than 20 CURVE handshakes");
         return fmt::format("{} of 60 refused at the handshake{}", refused, logged ? ", the address logged" : "");
       },
       "refused at the handshake, the address logged"},
      {"300 unknown keys at once from one address",
       [](Arena& a) {
         std::vector<hub::keys::KeyPair> strangers;
         for (int i = 0; i < 300; ++i) strangers.push_back(hub::keys::generate().value());
         const std::size_t lines_before = occurrences(a.hubd().log(), "refused connection");
         const int refused = refused_handshakes(a.deployment(), strangers, 300);
         const std::size_t lines = occurrences(a.hubd().log(), "refused connection") - lines_before;
         return fmt::format("{} of 300 refused, {} refusal lines logged ({})", refused, lines,
                            lines <= 20 ? "at most 20 a minute" : "TOO MANY");
       },
       "300 of 300 refused"},
  };
}

}  // namespace

TEST_CASE("a unit's revoked key stops at once, and handshake floods are refused cheaply", "[attack][revocation]") {
  Arena arena;
  REQUIRE(arena.healthy().empty());
  run_attacks(arena, attacks());
  const std::string lost = arena.nothing_lost();
  std::cout << "attack: nothing accepted was lost: " << (lost.empty() ? "yes" : lost) << "\n";
  CHECK(lost.empty());
  CHECK(arena.hubd().stop() == 0);
}
