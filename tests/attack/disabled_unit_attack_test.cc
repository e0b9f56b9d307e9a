// tests/attack/disabled_unit_attack_test.cc: a unit an operator disabled
// floods the real hubd. Each of its messages must cost a lookup: refused
// unread, answered `unit_disabled` at most once a second, nothing of it
// stored or logged per message; meanwhile the other units' cases flow. One
// line per attack with the answers the attacker saw.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <string>

#include "attack_runner.h"
#include "test_hub.h"
#include "well_behaved_flow.h"

using hub::Json;
using namespace hub::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* kAttacker = "test.sender";

class DisabledArena {
 public:
  DisabledArena() : hubd_(d_) {
    hubd_.start();
    attacker_ = d_.client(kAttacker);
    calm_ = std::make_unique<WellBehavedFlow>(d_);
    int code = -1;
    hubctl(d_, std::string("unit disable ") + kAttacker + " --reason 'flood test'", &code);
    REQUIRE(code == 0);
  }

  const TestDeployment& deployment() const { return d_; }
  HubProcess& hubd() { return hubd_; }
  UnitClient& attacker() { return *attacker_; }

  // Sends `bodies` as fast as the socket takes them, then counts the answers
  // until none came for 1.2 s: "N sent in T ms: K× error unit_disabled, rate ok" (at most one
  // answer a second over the whole time, the quiet 1.2 s included).
  std::string flood(UnitClient& from, int n, const std::function<std::string(int)>& body) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) from.send_raw({"xh1", body(i)});  // blocks while the hub has 1,000 unread
    const auto sent = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    std::map<std::string, int> seen;
    while (auto a = from.wait_for([](const Json&) { return true; }, 1200ms)) {
      std::string s = a->value("kind", "?");
      if (a->contains("code")) s += " " + (*a)["code"].get<std::string>();
      ++seen[s];
    }
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    std::string out = fmt::format("{} sent in {} ms:", n, sent.count());
    int answers = 0;
    for (const auto& [kind, count] : seen) {
      out += fmt::format(" {}× {}", count, kind);
      answers += count;
    }
    // One answer a second at most (the first at once), over the whole time it took.
    const bool rate_ok = answers >= 1 && answers <= took.count() / 1000 + 1;
    return out + (rate_ok ? ", rate ok" : ", RATE EXCEEDED");
  }

  // Nothing of the attacker's reached the store: no case, no reply, no event from it.
  std::string stored_from_attacker() const {
    const std::string cases = query_one(d_, std::string("SELECT count(*) FROM cases WHERE origin = '") + kAttacker + "'");
    const std::string events = query_one(d_, std::string("SELECT count(*) FROM events WHERE from_unit = '") + kAttacker + "'");
    return cases == "0" && events == "0" ? "nothing stored" : "STORED: " + cases + " cases, " + events + " events";
  }

  // hubd runs and a well-behaved case flows end to end; "" or what failed.
  std::string healthy() { return calm_->check(hubd_); }

 private:
  TestDeployment d_{flood_guard_lifted()};
  HubProcess hubd_;
  std::unique_ptr<UnitClient> attacker_;
  std::unique_ptr<WellBehavedFlow> calm_;
};

std::string case_body(int i) {
  return fmt::format(R"({{"kind":"send","reference":"FLOOD-{}","type":"test.faulty","compound":"","payload":{{}}}})", i);
}

std::vector<Attack<DisabledArena>> attacks() {
  return {
      {"20,000 valid cases at full speed",
       [](DisabledArena& a) { return a.flood(a.attacker(), 20000, case_body) + ", " + a.stored_from_attacker(); },
       "error unit_disabled, rate ok, nothing stored"},
      {"200 bodies nested 70,000 levels deep (refused unread)",
       [](DisabledArena& a) {
         const std::string deep = R"({"kind":"send","payload":{"a":)" + std::string(70000, '[') + std::string(70000, ']') + "}}";
         return a.flood(a.attacker(), 200, [&](int) { return deep; }) + ", " + a.stored_from_attacker();
       },
       "error unit_disabled, rate ok, nothing stored"},
      {"10,000 hellos, heartbeats, acks, replies on a new connection",
       [](DisabledArena& a) {
         auto again = a.deployment().client(kAttacker);
         const char* bodies[] = {R"({"kind":"hello","client":"x"})", R"({"kind":"heartbeat"})",
                                 R"({"kind":"ack","delivery":1})",
                                 R"({"kind":"reply","delivery":1,"reference":"R","final":false,"body":{}})"};
         return a.flood(*again, 10000, [&](int i) { return std::string(bodies[i % 4]); }) + ", " +
                a.stored_from_attacker();
       },
       "error unit_disabled, rate ok, nothing stored"},
  };
}

}  // namespace

TEST_CASE("a disabled unit flooding the hub costs a lookup per message and stops nobody else", "[attack][disable]") {
  DisabledArena arena;
  REQUIRE(arena.healthy().empty());
  run_attacks(arena, attacks(), "disabled unit: ");
  // Enabled again, the same connection is read: a heartbeat behind the flood is answered.
  int code = -1;
  hubctl(arena.deployment(), std::string("unit enable ") + kAttacker, &code);
  REQUIRE(code == 0);
  arena.attacker().send({{"kind", "heartbeat"}});
  CHECK(arena.attacker().wait_kind("heartbeat", 15s));
  // The hub's log has no line per refused message: the first refusal and the change only.
  const std::string log = arena.hubd().log();
  std::size_t lines = 0;
  for (std::size_t at = log.find("unit test.sender is disabled"); at != std::string::npos;
       at = log.find("unit test.sender is disabled", at + 1))
    ++lines;
  std::cout << "attack: disabled unit: log lines about its refused messages: " << lines << "\n";
  CHECK(lines <= 2);
  CHECK(arena.hubd().stop() == 0);
}
