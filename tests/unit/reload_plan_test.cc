// What a SIGHUP reload may change, and the line it logs.
#include <catch2/catch.hpp>

#include "bus/reload_plan.h"
#include "config_test_support.h"

using namespace hub::bus;
using config_test::real_config;

namespace {

hub::config::Deployment xinhui() {
  auto loaded = hub::config::load_deployment(real_config());
  REQUIRE(loaded.ok());
  return *loaded.deployment;
}

}  // namespace

TEST_CASE("units, routes, directory, calendar and delivery policy can change at a reload", "[reload]") {
  const auto running = xinhui();
  auto next = running;
  next.units.push_back(next.units.front());
  next.units.back().id = "test.new";
  next.routes.erase(next.routes.begin());
  next.compounds.pop_back();
  next.hub.delivery.max_attempts += 1;
  next.hub.keys_dir = "/elsewhere";
  CHECK(changes_needing_restart(running, next).empty());
  const std::string line = describe_reload(running, next);
  CHECK_THAT(line, Catch::Contains("units " + std::to_string(running.units.size() + 1) + " (+1: test.new)"));
  CHECK_THAT(line, Catch::Contains("(-1: " + running.routes.front().id + ")"));
  CHECK_THAT(line, Catch::Contains("compounds " + std::to_string(running.compounds.size() - 1) + " (-1: " +
                                   running.compounds.back().id + ")"));
  CHECK_THAT(line, Catch::Contains("case types " + std::to_string(running.case_types.size()) + ","));
}

TEST_CASE("the hub's own settings, plugins and adapters need a restart, each named", "[reload]") {
  const auto running = xinhui();
  auto next = running;
  next.hub.id = "other";
  next.hub.heartbeat_timeout_seconds += 5;
  next.plugins.front().settings["extra"] = 1;
  next.adapters.clear();
  const auto fixed = changes_needing_restart(running, next);
  REQUIRE(fixed.size() == 4);
  CHECK(fixed[0] == "hub.id");
  CHECK(fixed[1] == "hub.heartbeat_timeout_seconds");
  CHECK(fixed[2] == "plugins " + running.plugins.front().name + ": settings");
  CHECK_THAT(fixed[3], Catch::StartsWith("adapters: 0 configured, "));
}

TEST_CASE("the credentials' key file needs a restart, the clock skew does not", "[reload][credentials]") {
  const auto running = xinhui();
  auto next = running;
  next.hub.credentials.max_clock_skew_seconds = 60;
  CHECK(changes_needing_restart(running, next).empty());
  next.hub.credentials.key_file += ".new";
  const auto fixed = changes_needing_restart(running, next);
  REQUIRE(fixed.size() == 1);
  CHECK(fixed[0] == "hub.credentials.key_file");
}

TEST_CASE("the operators' group and a module's pin need a restart too", "[reload][hardening]") {
  const auto running = xinhui();
  auto next = running;
  next.hub.operator_group = "xh-operators";
  next.plugins.back().sha256 = std::string(64, 'a');
  const auto fixed = changes_needing_restart(running, next);
  REQUIRE(fixed.size() == 2);
  CHECK(fixed[0] == "hub.operator_group");
  CHECK(fixed[1] == "plugins " + running.plugins.back().name + ": sha256");
}
