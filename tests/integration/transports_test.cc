// Several transports at once: units on a second adapter (the test-only
// test_loop, driven from here) exchange cases with units on zmq; answers go
// back to the adapter and request that asked; a unit an adapter reaches at any
// time gets its work without ever connecting; a unit on two adapters is
// answered where it asked.
#include <dlfcn.h>

#include <catch2/catch.hpp>

#include "loop_control.h"
#include "test_hub.h"

using hub::Json;
using hub::test_loop::LoopControl;
using namespace hub::testing;
using namespace std::chrono_literals;

namespace {

// test.looper talks over test_loop only; test.pushed is reached at any time
// and never speaks first; test.both has zmq first, then test_loop.
const char* const kLoopUnits = R"(
units:
  - {id: test.looper, name: 回环测试单位, adapter: test_loop, may_send: [test.faulty]}
  - {id: test.pushed, name: 推送测试单位, adapter: [test_loop]}
  - {id: test.both, name: 双通道测试单位, adapter: [zmq, test_loop], may_send: [test.faulty]}
routes:
  - {id: looper_out, match: {type: test.faulty, origin: [test.looper, test.both]}, to: [test.receiver, test.pushed]}
  - {id: sender_to_pushed, match: {type: test.routed, origin: [test.sender]}, to: [test.pushed]}
)";

DeploymentOptions with_loop() {
  DeploymentOptions o;
  o.more_adapters = "  - {name: test_loop, file: test_loop, settings: {any_time: [test.pushed]}}\n";
  o.more_yaml = kLoopUnits;
  return o;
}

// The running test_loop adapter, loaded into this process by the in-process hub.
LoopControl& loop() {
  void* module = ::dlopen((std::string(HUB_MODULE_DIR) + "/test_loop.so").c_str(), RTLD_NOW | RTLD_NOLOAD);
  REQUIRE(module != nullptr);
  auto* running = reinterpret_cast<LoopControl* (*)()>(::dlsym(module, "test_loop_running"));
  ::dlclose(module);  // the hub holds its own reference
  REQUIRE(running != nullptr);
  LoopControl* control = running();
  REQUIRE(control != nullptr);
  return *control;
}

std::string z85(const TestDeployment& d, const std::string& unit) { return d.key(unit).public_key; }

Json answer_of(LoopControl& l, std::uint64_t request) {
  const auto answer = l.wait_answer(request, 10s);
  REQUIRE(answer.has_value());
  return Json::parse(*answer);
}

Json send_case(const std::string& reference) {
  return {{"kind", "send"}, {"reference", reference}, {"type", "test.faulty"}, {"payload", Json::object()}};
}

}  // namespace

TEST_CASE("a case sent over a second transport is answered there and delivered over both transports",
          "[transports]") {
  TestDeployment d(with_loop());
  InProcessHub hub(d);
  auto receiver = d.client("test.receiver");
  receiver->hello();
  REQUIRE(receiver->wait_kind("welcome"));
  LoopControl& l = loop();

  const auto sent = l.submit(z85(d, "test.looper"), send_case("L-1").dump());
  REQUIRE(sent.request != 0);
  const Json accepted = answer_of(l, sent.request);
  CHECK(accepted["kind"] == "accepted");
  CHECK(accepted["reference"] == "L-1");

  // To the zmq unit over zmq; to test.pushed over test_loop, which never said a word.
  const auto on_zmq = receiver->wait_kind("delivery");
  REQUIRE(on_zmq);
  CHECK((*on_zmq)["origin"] == "test.looper");
  const auto pushed = l.wait_sent("test.pushed", 1, 10s);
  REQUIRE(pushed.size() == 1);
  const Json delivery = Json::parse(pushed[0]);
  CHECK(delivery["kind"] == "delivery");
  CHECK(delivery["reference"] == "L-1");

  // Its ack over test_loop is an ack like any other.
  const auto ack = l.submit(z85(d, "test.pushed"), Json{{"kind", "ack"}, {"delivery", delivery["delivery"]}}.dump());
  REQUIRE(ack.request != 0);
  CHECK(wait_until(d, "SELECT acked_at IS NOT NULL FROM deliveries WHERE id = " + delivery["delivery"].dump(), "t"));
}

TEST_CASE("a zmq unit's case reaches a unit reached at any time, and the zmq sender is answered on zmq",
          "[transports]") {
  TestDeployment d(with_loop());
  InProcessHub hub(d);
  auto sender = d.client("test.sender");
  const Json accepted = send_accepted(*sender, "Z-1", "test.routed", "", Json::object());
  CHECK(accepted["deliveries"].size() == 1);
  const auto pushed = loop().wait_sent("test.pushed", 1, 10s);
  REQUIRE(pushed.size() == 1);
  CHECK(Json::parse(pushed[0])["origin"] == "test.sender");
}

TEST_CASE("a unit on two transports is answered on the one it asked on", "[transports]") {
  TestDeployment d(with_loop());
  InProcessHub hub(d);
  auto both = d.client("test.both");
  both->hello();
  REQUIRE(both->wait_kind("welcome"));  // its zmq connection is its latest
  LoopControl& l = loop();
  const auto sent = l.submit(z85(d, "test.both"), send_case("B-1").dump());
  REQUIRE(sent.request != 0);
  CHECK(answer_of(l, sent.request)["reference"] == "B-1");
  // Nothing went to zmq: the next message there is the answer to this heartbeat.
  both->send({{"kind", "heartbeat"}});
  const auto next = both->wait_for([](const Json&) { return true; });
  REQUIRE(next);
  CHECK((*next)["kind"] == "heartbeat");
  // And over zmq it is answered over zmq.
  CHECK(send_accepted(*both, "B-2", "test.faulty", "", Json::object())["reference"] == "B-2");
}

TEST_CASE("a credential that belongs to no unit is refused by the host, whatever the transport", "[transports]") {
  TestDeployment d(with_loop());
  InProcessHub hub(d);
  const auto stranger = hub::keys::generate().value();
  const auto refused = loop().submit(stranger.public_key, send_case("X-1").dump());
  CHECK(refused.request == 0);
  CHECK(refused.refusal == "key_revoked");
  CHECK(query_one(d, "SELECT count(*) FROM cases WHERE reference = 'X-1'") == "0");
}
