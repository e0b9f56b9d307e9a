// Which units count as online, and when one arrives (its pending work is then
// sent at once).
#include <catch2/catch.hpp>

#include "bus/presence.h"

using hub::bus::Presence;

TEST_CASE("a unit first heard arrives, one that keeps talking does not arrive again", "[presence]") {
  Presence p(std::chrono::seconds(15));
  CHECK(p.online().empty());
  CHECK(p.seen("pm.jinxiu"));
  CHECK_FALSE(p.seen("pm.jinxiu"));
  CHECK(p.online() == std::vector<std::string>{"pm.jinxiu"});
  CHECK(p.is_online("pm.jinxiu"));
  CHECK_FALSE(p.is_online("pm.anju"));
}

TEST_CASE("a unit the adapter could not reach is offline until it speaks, and is then back without arriving",
          "[presence]") {
  Presence p(std::chrono::seconds(15));
  REQUIRE(p.seen("court"));
  p.forget("court");
  CHECK(p.online().empty());
  CHECK_FALSE(p.is_online("court"));
  // Its pending work keeps its backoff: no burst of everything at once.
  CHECK_FALSE(p.seen("court"));
  CHECK(p.online() == std::vector<std::string>{"court"});
  p.forget("never.heard");  // harmless
  CHECK(p.online().size() == 1);
}

TEST_CASE("a unit an adapter reaches at any time is online without a word, and forgetting it changes nothing",
          "[presence]") {
  Presence p(std::chrono::seconds(15));
  p.set_always_online({"registry"});
  CHECK(p.is_online("registry"));
  CHECK(p.online() == std::vector<std::string>{"registry"});
  p.forget("registry");
  CHECK(p.is_online("registry"));
  // Its webhook's answers (acks) are heard, but it never arrives: nothing
  // already pushed is pushed again.
  CHECK_FALSE(p.seen("registry"));
  CHECK(p.online() == std::vector<std::string>{"registry"});  // listed once
  p.set_always_online({});  // a reload took its push adapter away
  p.forget("registry");
  CHECK_FALSE(p.is_online("registry"));
}
