// SIGHUP: hubd reads its config again and applies units, keys and routes
// without dropping a connection; a broken config, or one that only a restart
// can apply, is refused with its errors while the running one keeps serving.
#include <csignal>
#include <fstream>

#include <catch2/catch.hpp>

#include "keys/key_file.h"
#include "test_hub.h"

using hub::Json;
using namespace hub::testing;

namespace {

void append(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::app) << text; }

std::string read(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Sends a test.faulty case and returns the units its answer names.
std::vector<std::string> send_and_route(UnitClient& sender, const std::string& reference) {
  const Json a = send_accepted(sender, reference, "test.faulty", "jinxiu", {{"behaviour", "remember"}});
  std::vector<std::string> to;
  for (const auto& d : a["deliveries"]) to.push_back(d["to"]);
  return to;
}

bool delivered(UnitClient& receiver, const std::string& reference) {
  return receiver
      .wait_for([&](const Json& m) { return m.value("kind", "") == "delivery" && m.value("reference", "") == reference; })
      .has_value();
}

}  // namespace

TEST_CASE("SIGHUP applies a new unit, its key and a route while connections stay, broken configs are refused",
          "[reload]") {
  TestDeployment d;
  HubProcess hub(d);
  hub.start();
  const std::string extra = d.dir() + "/test_extra.yaml";
  auto stranger = d.client("test.stranger");
  auto sender = d.client("test.sender");
  auto receiver = d.client("test.receiver");
  receiver->hello();
  REQUIRE(receiver->wait_kind("welcome"));
  CHECK(send_and_route(*stranger, "S-1").empty());  // no route yet: parked

  // A new unit with its key, and a route for test.stranger's cases to it.
  REQUIRE(hub::keys::write(d.dir() + "/keys", "test.newcomer", hub::keys::generate().value()).ok());
  std::string next = read(extra);
  next.insert(next.find("units:\n") + 7, "  - {id: test.newcomer, name: 新加入测试单位, adapter: zmq}\n");
  next.insert(next.find("routes:\n") + 8,
              "  - {id: test_stranger, match: {type: test.faulty, origin: [test.stranger]}, to: [test.newcomer]}\n");
  std::ofstream(extra) << next;
  hub.signal(SIGHUP);
  INFO(hub.log());
  REQUIRE(wait_for_log(hub, "reload: applied"));
  CHECK_THAT(hub.log(), Catch::Contains("(+1: test.newcomer)") && Catch::Contains("(+1: test_stranger)"));

  // The same connections carry on; the new route and the new unit's key work at once.
  CHECK(send_and_route(*stranger, "S-2") == std::vector<std::string>{"test.newcomer"});
  auto newcomer = d.client("test.newcomer");
  newcomer->hello();
  REQUIRE(newcomer->wait_kind("welcome"));
  CHECK(delivered(*newcomer, "S-2"));
  CHECK(send_and_route(*sender, "T-1") == std::vector<std::string>{"test.receiver"});
  CHECK(delivered(*receiver, "T-1"));

  SECTION("a config with errors is refused with them; the running one keeps routing") {
    append(extra, "routes: [ {id: broken\n");
    hub.signal(SIGHUP);
    REQUIRE(wait_for_log(hub, "reload refused: 1 error(s)"));
    CHECK_THAT(hub.log(), Catch::Contains("reload refused: " + extra + ":"));
    CHECK(send_and_route(*stranger, "S-3") == std::vector<std::string>{"test.newcomer"});
    CHECK(delivered(*newcomer, "S-3"));
  }
  SECTION("a change only a restart can apply is refused, named") {
    std::string main_file = read(d.config_path());
    main_file.replace(main_file.find("id: test"), 8, "id: moved");
    std::ofstream(d.config_path()) << main_file;
    hub.signal(SIGHUP);
    REQUIRE(wait_for_log(hub, "reload refused: these changes need a restart of hubd"));
    CHECK_THAT(hub.log(), Catch::Contains("hub.id; the running configuration stays"));
    CHECK(send_and_route(*stranger, "S-4") == std::vector<std::string>{"test.newcomer"});
  }
  CHECK(hub.stop() == 0);
}
