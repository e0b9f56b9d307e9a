// The zmq adapter's route table: connection numbers, the latest connection of
// each unit, and which connections an answer can still reach.
#include <catch2/catch.hpp>

#include "route_table.h"

using hub::zmq_adapter::RouteTable;

TEST_CASE("each new connection gets a new number, the same connection keeps its number") {
  RouteTable t;
  const auto a = t.remember("registry", "rid-a", "key-1");
  const auto b = t.remember("registry", "rid-b", "key-1");
  CHECK(a.connection != 0);
  CHECK(b.connection != a.connection);
  CHECK(t.remember("registry", "rid-a", "key-1").connection == a.connection);
  CHECK_FALSE(a.displaced.has_value());
}

TEST_CASE("the unit's latest connection is the one that spoke last") {
  RouteTable t;
  t.remember("registry", "rid-a", "key-1");
  t.remember("registry", "rid-b", "key-1");
  REQUIRE(t.find("registry") != nullptr);
  CHECK(t.find("registry")->routing_id == "rid-b");
  t.remember("registry", "rid-a", "key-1");
  CHECK(t.find("registry")->routing_id == "rid-a");
  CHECK(t.find("court") == nullptr);
}

TEST_CASE("answers reach the unit's recent connections only, and only the unit's own") {
  RouteTable t;
  const auto first = t.remember("registry", "rid-0", "key-1").connection;
  for (int i = 1; i < static_cast<int>(RouteTable::kRecent); ++i)
    t.remember("registry", "rid-" + std::to_string(i), "key-1");
  REQUIRE(t.find_connection("registry", first) != nullptr);
  CHECK(t.find_connection("registry", first)->routing_id == "rid-0");
  CHECK(t.find_connection("court", first) == nullptr);
  t.remember("registry", "rid-new", "key-1");  // one more than kRecent: the oldest is forgotten
  CHECK(t.find_connection("registry", first) == nullptr);
  CHECK_FALSE(t.forget_connection("rid-0").has_value());
}

TEST_CASE("forgetting the latest connection falls back to the one before") {
  RouteTable t;
  t.remember("registry", "rid-a", "key-1");
  t.remember("registry", "rid-b", "key-1");
  CHECK_FALSE(t.forget("court", "rid-b"));  // not the court's
  CHECK(t.forget("registry", "rid-b"));
  REQUIRE(t.find("registry") != nullptr);
  CHECK(t.find("registry")->routing_id == "rid-a");
  CHECK(t.forget_connection("rid-a") == "registry");
  CHECK(t.find("registry") == nullptr);
}

TEST_CASE("a routing id that turns up for another unit is taken from the unit it belonged to") {
  RouteTable t;
  const auto old = t.remember("registry", "rid-x", "key-1").connection;
  const auto taken = t.remember("court", "rid-x", "key-2");
  REQUIRE(taken.displaced.has_value());
  CHECK(*taken.displaced == "registry");
  CHECK(t.find("registry") == nullptr);
  CHECK(t.find_connection("registry", old) == nullptr);
  REQUIRE(t.find("court") != nullptr);
  CHECK(t.find("court")->key == "key-2");
}
