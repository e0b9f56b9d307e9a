// tests/attack/flood_guard_attack_test.cc: a unit floods the real hubd faster
// than the zmq adapter's guard allows (adapters/zmq/flood_guard.h). The hub
// must cut that connection, refuse the unit's key for the penalty, serve the
// well-behaved units throughout, let the unit in again once the penalty is
// over, and lose nothing it accepted.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include "attack_runner.h"
#include "test_hub.h"
#include "well_behaved_flow.h"

using hub::Json;
using namespace hub::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* kFlooder = "test.flooder";
constexpr auto kPenalty = 4s;

DeploymentOptions guarded() {
  DeploymentOptions options;
  options.zmq_settings = fmt::format("max_messages_per_second: 500, flood_penalty_seconds: {}", kPenalty.count());
  return options;
}

using Clock = std::chrono::steady_clock;

long long ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

}  // namespace

TEST_CASE("a connection flooding beyond the adapter's guard is cut, its key kept out for the penalty, the others "
          "served",
          "[attack][flood]") {
  TestDeployment d(guarded());
  HubProcess hubd(d);
  hubd.start();
  WellBehavedFlow calm(d);
  REQUIRE(calm.check(hubd).empty());

  // Heartbeats as fast as the socket takes them, until the hub says it cut us.
  const std::string cut_line = std::string("zmq: cut the connection of unit ") + kFlooder;
  auto flooder = d.client(kFlooder);
  const auto start = Clock::now();
  int sent = 0;
  bool cut = false;
  while (!cut && Clock::now() - start < 20s) {
    for (int i = 0; i < 1000; ++i) sent += flooder->try_send_raw({"xh1", R"({"kind":"heartbeat"})"}) ? 1 : 0;
    cut = hubd.log().find(cut_line) != std::string::npos;
  }
  REQUIRE(cut);
  const auto cut_after = ms_since(start);

  // libzmq reconnects the flooder by itself: refused at the handshake while the penalty lasts.
  CHECK(wait_for_log(hubd, std::string("refused connection: unit ") + kFlooder + "'s key", kPenalty));
  CHECK(hubd.log().find("its last connection was cut for flooding") != std::string::npos);
  // The well-behaved units' cases flow meanwhile.
  std::chrono::milliseconds took{};
  REQUIRE(calm.check(hubd, &took).empty());

  // After the penalty a new connection of the unit is read again (libzmq does
  // not retry a handshake the hub refused: the unit's client connects anew).
  bool back = false;
  while (!back && Clock::now() - start < kPenalty + 30s) {
    auto again = d.client(kFlooder);
    again->send({{"kind", "heartbeat"}});
    back = again->wait_kind("heartbeat", 1s).has_value();
  }
  CHECK(back);
  std::cout << fmt::format(
                   "attack: flood guard: {} heartbeats offered, cut after {} ms, refused while the penalty lasts, "
                   "other units' case flowed in {} ms, back after {} ms\n",
                   sent, cut_after, took.count(), ms_since(start))
            << std::flush;
  CHECK(calm.nothing_lost().empty());
  CHECK(hubd.stop() == 0);
}
