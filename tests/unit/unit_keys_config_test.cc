// Tests of the units' keys in config: a previous key with its grace period,
// a key named by two units, a unit holding the hub's own key, and how a
// reload names the units whose keys changed (by fingerprint only).
#include <string>

#include <catch2/catch.hpp>

#include "bus/reload_plan.h"
#include "config_test_support.h"
#include "util/time_parse.h"

using namespace config_test;

TEST_CASE("a unit's previous key is read with the end of its grace period", "[config][keys]") {
  Scenario scenario;
  const std::string old_key = generated_key();
  const LoadResult result = scenario.load(R"(units:
  - id: pm.rotating
    name: 换钥物业
    adapter: zmq
    public_key: ")" + generated_key() + R"("
    previous_key: {public_key: ")" + old_key + R"(", valid_until: "2026-12-03T18:00:00+08:00"}
)");
  INFO(listing(result.errors));
  REQUIRE(result.ok());
  const auto& unit = result.deployment->units.back();
  REQUIRE(unit.previous_key);
  CHECK(unit.previous_key->public_key == old_key);
  CHECK(unit.previous_key->valid_until == *hub::parse_iso8601("2026-12-03T10:00:00Z"));
  CHECK(unit.previous_key->valid_until_text == "2026-12-03T18:00:00+08:00");
}

TEST_CASE("a previous key needs a key and a time with its offset", "[config][keys][errors]") {
  Scenario scenario;
  const std::string text = R"(units:
  - {id: pm.a1, name: 甲一物业, adapter: zmq, previous_key: {public_key: ")" + generated_key() +
                           R"(", valid_until: "2026-12-03 18:00"}}
  - {id: pm.a2, name: 甲二物业, adapter: zmq, previous_key: {valid_until: "2026-12-03T18:00:00+08:00"}}
  - {id: pm.a3, name: 甲三物业, adapter: zmq, previous_key: {public_key: ")" + generated_key() + R"("}}
)";
  const LoadResult result = scenario.load(text);
  check_error(result, "units[0].previous_key.valid_until", scenario.in_extra("\"2026-12-03 18:00\""),
              "a time with its offset");
  check_error(result, "units[1].previous_key", scenario.in_extra("{valid_until", "pm.a2"), "public_key or public_key_file");
  check_error(result, "units[2].previous_key.valid_until", scenario.in_extra("{public_key", "pm.a3"),
              "required key is missing");
}

TEST_CASE("a key named by two units is an error at the second, naming the first", "[config][keys][errors]") {
  Scenario scenario;
  const std::string shared = generated_key();
  const std::string text = R"(units:
  - {id: pm.one, name: 一号物业, adapter: zmq, public_key: ")" + shared + R"("}
  - {id: pm.two, name: 二号物业, adapter: zmq, public_key: ")" + shared + R"("}
  - id: pm.three
    name: 三号物业
    adapter: zmq
    public_key: ")" + generated_key() + R"("
    previous_key: {public_key: ")" + scenario.key + R"(", valid_until: "2026-12-03T18:00:00+08:00"}
)";
  const LoadResult result = scenario.load(text);
  check_error(result, "units[1].public_key", scenario.in_extra("\"" + shared, "pm.two"),
              "unit pm.two is the key " + shared.substr(0, 8) + "… that unit pm.one has too (" + scenario.extra + ":2:");
  // The previous key of one unit is the current key of the base deployment's first unit.
  check_error(result, "units[2].previous_key.public_key", scenario.in_extra("\"" + scenario.key),
              "unit pm.three's previous_key is the key " + scenario.key.substr(0, 8) + "… that unit sd.a has too");
  CHECK(result.errors.size() == 2);
  const std::string everything = listing(result.errors);
  CHECK(everything.find(shared) == std::string::npos);  // fingerprints only
}

TEST_CASE("a unit holding the hub's own public key is an error", "[config][keys][errors]") {
  Scenario scenario;
  const hub::keys::KeyPair hub_pair = generated_pair();
  REQUIRE(hub::keys::write(scenario.dir.path("hubkeys"), "hub", hub_pair).ok());
  const LoadResult result = scenario.load(R"(adapters:
  - {name: zmq2, file: zmq, settings: {bind: "tcp://127.0.0.1:7751", secret_key_file: hubkeys/hub.key}}
units:
  - {id: pm.hub, name: 冒名物业, adapter: zmq2, public_key: ")" + hub_pair.public_key + R"("}
)");
  check_error(result, "units[0].public_key", scenario.in_extra("\"" + hub_pair.public_key),
              "unit pm.hub is the hub's own public key " + hub_pair.public_key.substr(0, 8) +
                  "… (adapter zmq2's secret_key_file)");
  CHECK(listing(result.errors).find(hub_pair.secret_key) == std::string::npos);
}

TEST_CASE("the reload line names the units whose keys changed, by fingerprint", "[config][keys][reload]") {
  using hub::config::Deployment;
  using hub::config::Unit;
  const std::string a1 = generated_key(), a2 = generated_key(), b = generated_key(), c = generated_key();
  const auto unit = [](const std::string& id, const std::string& key) {
    Unit u;
    u.id = id;
    u.public_key = key;
    return u;
  };
  Deployment running, next;
  running.units = {unit("unit.a", a1), unit("unit.b", b), unit("unit.same", c)};
  next.units = {unit("unit.a", a2), unit("unit.new", b), unit("unit.same", c)};
  hub::config::PreviousKey previous;
  previous.public_key = a1;
  previous.valid_until_text = "2026-12-03T18:00:00+08:00";
  next.units[0].previous_key = previous;
  const auto fp = [](const std::string& k) { return k.substr(0, 8) + "…"; };

  const std::string line = hub::bus::describe_reload(running, next);
  CHECK_THAT(line, Catch::Contains("keys changed for 3 unit(s): unit.a (" + fp(a1) + " -> " + fp(a2) + ", previous " +
                                   fp(a1) + " until 2026-12-03T18:00:00+08:00); unit.new (new unit: " + fp(b) +
                                   "); unit.b (unit removed: " + fp(b) + " refused from now on)"));
  CHECK(line.find("unit.same (") == std::string::npos);
  for (const auto& key : {a1, a2, b, c}) CHECK(line.find(key) == std::string::npos);
  CHECK(hub::bus::describe_key_changes(running, running).empty());
}
