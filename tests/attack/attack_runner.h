// tests/attack/attack_runner.h: what every attack harness here shares.
//
// An attack is a name, what it does to an arena (a real hubd with units
// connected) returning the answers it saw, and a text those answers must
// contain. run_attacks() runs each in turn and, after each, asks the arena's
// healthy() (hubd alive and a well-behaved unit's case flowing end to end:
// "" or what failed), printing one line per attack:
//   attack: <prefix><name> | <answers seen> | hub alive, other units' case flowed
// An attack flags what must never happen by writing "TOO MANY" or "BEYOND" in
// its answers; either fails the run.
#pragma once

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "test_hub.h"

namespace hub::testing {

// A deployment whose zmq adapter does not cut flooding connections
// (adapters/zmq/flood_guard.h): the harnesses that flood at full speed attack
// what lies behind the guard (the parser, the quotas, the lookups); the guard
// itself is attacked in flood_guard_attack_test.cc.
inline DeploymentOptions flood_guard_lifted() {
  DeploymentOptions options;
  options.zmq_settings = "max_messages_per_second: 0";
  return options;
}

// The last `n` lines of `text`.
inline std::string last_lines(const std::string& text, std::size_t n) {
  std::size_t start = text.size();
  for (std::size_t lines = 0; start > 0 && lines <= n; --start)
    if (text[start - 1] == '\n') ++lines;
  return text.substr(start);
}

template <class Arena>
struct Attack {
  const char* name;
  std::function<std::string(Arena&)> run;  // returns the answers seen
  std::string expected;                    // a substring of them
};

template <class Arena>
void run_attacks(Arena& arena, const std::vector<Attack<Arena>>& attacks, const std::string& prefix = "") {
  for (const auto& attack : attacks) {
    const std::string seen = attack.run(arena);
    const std::string health = arena.healthy();
    std::cout << fmt::format("attack: {}{:<62} | {} | {}\n", prefix, attack.name, seen,
                             health.empty() ? "hub alive, other units' case flowed" : "FAILED: " + health)
              << std::flush;
    CHECK_THAT(seen, Catch::Contains(attack.expected));
    CHECK_THAT(seen, !Catch::Contains("TOO MANY") && !Catch::Contains("BEYOND"));
    if (!health.empty()) std::cout << "attack: the end of hubd's log:\n" << last_lines(arena.hubd().log(), 60) << std::flush;
    REQUIRE(health.empty());
  }
}

}  // namespace hub::testing
