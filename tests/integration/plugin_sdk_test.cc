// What the SDK lets a plugin do beyond state and timers, through a real hub on
// a manual clock: an annex its deliveries wait for, follow-ups addressed to
// named units, dated changes of the compound directory (effective later,
// surviving a restart), and checks of replies before they are stored.
#include <catch2/catch.hpp>

#include "test_hub.h"

using hub::Json;
using namespace hub::testing;

namespace {

// The unit a test.routed case for `compound` is delivered to (compound.servicer).
std::string servicer_now(UnitClient& sender, const std::string& reference, const std::string& compound) {
  const Json a = send_accepted(sender, reference, "test.routed", compound, Json::object());
  return a["deliveries"].at(0)["to"].get<std::string>();
}

}  // namespace

TEST_CASE("an enriched case is delivered only with the annex its plugin attached", "[sdk][annex]") {
  TestDeployment d;
  InProcessHub hub(d);
  auto sender = d.client("test.sender");
  auto receiver = d.client("test.receiver");
  receiver->hello();
  send_accepted(*sender, "E-1", "test.enriched", "jinxiu", Json::object());
  auto delivery = receiver->wait_for([](const Json& j) { return j.value("reference", "") == "E-1"; });
  REQUIRE(delivery);
  CHECK((*delivery)["annex"]["checked_by"] == "test_faulty");
  CHECK((*delivery)["annex"]["compound"]["name"] == "锦绣花园");
  CHECK((*delivery)["annex"]["compound"]["servicer"] == "pm.jinxiu");
  CHECK((*delivery)["payload"] == Json::object());  // the originator's payload is kept as sent
}

TEST_CASE("an enriched case whose hook gives up is still delivered, without annex", "[sdk][annex]") {
  TestDeployment d;
  InProcessHub hub(d);
  auto sender = d.client("test.sender");
  auto receiver = d.client("test.receiver");
  receiver->hello();
  const auto id = send_accepted(*sender, "E-2", "test.enriched", "jinxiu", {{"behaviour", "fail"}})["case"].get<std::int64_t>();
  const std::string state = "SELECT state FROM deliveries WHERE case_id = " + std::to_string(id);
  // Held while the hook is retried...
  REQUIRE(poll_until(d, hub.clock(), "SELECT attempts FROM hook_tasks WHERE case_id = " + std::to_string(id), "1"));
  CHECK(query_one(d, state) == "held");
  // ...and sent once it is parked (backoffs of 2..16 s pass on the manual clock).
  REQUIRE(poll_until(d, hub.clock(), "SELECT state FROM hook_tasks WHERE case_id = " + std::to_string(id), "parked",
                     std::chrono::seconds(5)));
  auto delivery = receiver->wait_for([](const Json& j) { return j.value("reference", "") == "E-2"; });
  REQUIRE(delivery);
  CHECK_FALSE(delivery->contains("annex"));
}

TEST_CASE("a follow-up addressed to named units reaches exactly them", "[sdk][follow-up]") {
  TestDeployment d;
  InProcessHub hub(d);
  auto sender = d.client("test.sender");
  auto stranger = d.client("test.stranger");
  stranger->hello();
  const auto parent = send_accepted(*sender, "F-1", "test.faulty", "jinxiu", {{"behaviour", "addressed"}})["case"];
  auto follow_up = stranger->wait_for([](const Json& j) { return j.value("type", "") == "test.followup"; });
  REQUIRE(follow_up);
  CHECK((*follow_up)["payload"]["parent"] == parent);
  CHECK_FALSE((*follow_up)["notice"].get<bool>());
  const std::string receivers =
      "SELECT string_agg(d.receiver || ':' || d.notice, ',' ORDER BY d.id) FROM deliveries d JOIN cases c "
      "ON c.id = d.case_id WHERE c.type = 'test.followup'";
  CHECK(query_one(d, receivers) == "test.stranger:false,sd.xinzhou:true");
  CHECK(query_one(d, "SELECT route FROM cases WHERE type = 'test.followup'") == "plugin");
}

TEST_CASE("a dated directory change routes cases once it is effective, and survives a restart", "[sdk][directory]") {
  TestDeployment d;
  auto sender = d.client("test.sender");
  {
    InProcessHub hub(d);
    send_accepted(*sender, "D-0", "test.faulty", "jianshe", {{"behaviour", "custody"}});  // effective at once
    REQUIRE(poll_until(d, hub.clock(), "SELECT count(*) FROM directory_overrides WHERE compound = 'jianshe'", "2"));
    send_accepted(*sender, "D-1", "test.faulty", "jinxiu", {{"behaviour", "custody"}, {"effective_in_hours", 2}});
    REQUIRE(poll_until(d, hub.clock(), "SELECT count(*) FROM directory_overrides WHERE compound = 'jinxiu'", "2"));
    CHECK(query_one(d, "SELECT detail->>'unit' FROM events WHERE kind = 'directory_changed' AND detail->>'field' = "
                       "'custodian'") == "sd.xinzhou");
    CHECK(servicer_now(*sender, "D-2", "jinxiu") == "pm.jinxiu");  // not yet effective

    hub.clock().advance(std::chrono::hours(3));
    std::string servicer;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (int n = 0; servicer != "sd.xinzhou" && std::chrono::steady_clock::now() < deadline; ++n)
      servicer = servicer_now(*sender, "D-3-" + std::to_string(n), "jinxiu");  // the directory is checked every second
    CHECK(servicer == "sd.xinzhou");
  }
  // A new hub applies the stored, effective changes before it takes its first case.
  InProcessHub restarted(d);
  CHECK(servicer_now(*sender, "D-5", "jianshe") == "sd.xinzhou");
}

TEST_CASE("a reply the owning plugin refuses is not stored, and says what to fix", "[sdk][reply]") {
  TestDeployment d;
  InProcessHub hub(d);
  auto sender = d.client("test.sender");
  auto receiver = d.client("test.receiver");
  receiver->hello();
  send_accepted(*sender, "R-1", "test.faulty", "jinxiu", Json::object());
  auto delivery = receiver->wait_kind("delivery");
  REQUIRE(delivery);
  const auto id = (*delivery)["delivery"].get<std::int64_t>();
  receiver->reply(id, "RR-1", true, "refused", Json::object());
  auto refused = receiver->wait_answer("RR-1");
  REQUIRE(refused);
  CHECK((*refused)["kind"] == "error");
  CHECK((*refused)["code"] == "invalid_reply");
  REQUIRE((*refused)["problems"].size() == 1);
  CHECK((*refused)["problems"][0]["pointer"] == "/reason");
  CHECK_THAT((*refused)["message"].get<std::string>(), Catch::StartsWith("1 problem(s) in this reply"));
  CHECK(query_one(d, "SELECT count(*) FROM replies") == "0");

  receiver->reply(id, "RR-2", true, "refused", {{"reason", "不属于本单位职责"}});
  auto ok = receiver->wait_for([](const Json& j) { return j.value("reference", "") == "RR-2"; });
  REQUIRE(ok);
  CHECK((*ok)["kind"] == "reply_accepted");
}
