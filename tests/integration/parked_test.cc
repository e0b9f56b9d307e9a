// Parked work as operators handle it with hubctl, against a real hub: listed
// with filters, shown in detail, replayed all at once by filter (and safely
// twice, or by two hubs at once).
#include <catch2/catch.hpp>

#include <thread>

#include "test_hub.h"
#include "util/time_parse.h"

using hub::Json;
using namespace hub::testing;

namespace {

const DeploymentOptions kParkFast{
    .max_attempts = 2, .backoff_ms = 200, .extra_yaml = "", .shared_database = "", .hub_id = "test", .keys_from = ""};

Json fee_check(int i) {
  return {{"dwelling", "3-2-" + std::to_string(i)}, {"seller", "甲"}, {"buyer", "乙"}, {"application_id", "PK" + std::to_string(i)}};
}

std::int64_t delivery_of(const Json& accepted) { return accepted["deliveries"][0]["delivery"].get<std::int64_t>(); }

// Takes both sends of `delivery` (it is parked after them), so that the next one is a replay's.
void take_both_attempts(UnitClient& unit, std::int64_t delivery) {
  for (int attempt : {1, 2})
    REQUIRE(unit.wait_for([&](const Json& j) {
      return j.value("kind", "") == "delivery" && j.value("delivery", std::int64_t{0}) == delivery &&
             j.value("attempt", 0) == attempt;
    }));
}

// A unit's client that said hello and was welcomed: deliveries reach it from now on.
std::unique_ptr<UnitClient> online(const TestDeployment& d, const std::string& unit) {
  auto client = d.client(unit);
  client->hello();
  REQUIRE(client->wait_kind("welcome"));
  return client;
}

// `hubctl ARGS --json`, parsed; requires exit code 0.
Json hubctl_json(const TestDeployment& d, const std::string& args) {
  int code = -1;
  const std::string out = hubctl(d, args + " --json", &code);
  INFO("hubctl " << args << ":\n" << out);
  REQUIRE(code == 0);
  return Json::parse(out);
}

// The ids of one kind in a listing (or a replay's part), in order.
std::vector<std::int64_t> ids(const Json& answer, const char* list, const char* id) {
  std::vector<std::int64_t> out;
  if (answer.contains(list))
    for (const auto& row : answer[list]) out.push_back(row[id].get<std::int64_t>());
  return out;
}

std::string state_of(const TestDeployment& d, std::int64_t delivery) {
  return query_one(d, "SELECT state FROM deliveries WHERE id = " + std::to_string(delivery));
}

std::string operator_events(const TestDeployment& d) {
  return query_one(d, "SELECT count(*) FROM events WHERE kind = 'operator'");
}

}  // namespace

TEST_CASE("hubctl parked narrows the listing by unit, type, kind and reason, and says when more exist", "[e2e][parked]") {
  TestDeployment d(kParkFast);
  HubProcess hubd(d);
  hubd.start();
  // Cases no route matches are parked at once.
  auto stranger = d.client("test.stranger");
  const auto lost1 = send_accepted(*stranger, "PL-1", "test.faulty", "", {{"note", "无路由一"}})["case"].get<std::int64_t>();
  const auto lost2 = send_accepted(*stranger, "PL-2", "test.faulty", "", {{"note", "无路由二"}})["case"].get<std::int64_t>();
  // Receivers that take deliveries but never ack: parked after 2 attempts.
  auto receiver = online(d, "test.receiver");
  auto company = online(d, "pm.jinxiu");
  auto sender = d.client("test.sender");
  auto registry = d.client("registry");
  const auto r1 = delivery_of(send_accepted(*sender, "PL-3", "test.faulty", "", {{"note", "不确认一"}}));
  const auto r2 = delivery_of(send_accepted(*sender, "PL-4", "test.faulty", "", {{"note", "不确认二"}}));
  const auto j1 = delivery_of(send_accepted(*registry, "PL-5", "registry.fee_check", "jinxiu", fee_check(5)));
  REQUIRE(wait_until(d, "SELECT count(*) FROM deliveries WHERE state = 'parked'", "3"));

  const Json all = hubctl_json(d, "parked");
  CHECK(ids(all, "deliveries", "delivery") == std::vector<std::int64_t>{r1, r2, j1});
  CHECK(ids(all, "cases", "case") == std::vector<std::int64_t>{lost1, lost2});
  CHECK(all["matching"]["deliveries"] == 3);
  CHECK(all["deliveries"][0]["type_name"] == "故障测试");
  CHECK_FALSE(all["deliveries"][0]["parked_at"].get<std::string>().empty());

  // --unit: a delivery's receiver, or the case's origin.
  const Json to_receiver = hubctl_json(d, "parked --unit test.receiver");
  CHECK(ids(to_receiver, "deliveries", "delivery") == std::vector<std::int64_t>{r1, r2});
  CHECK(ids(to_receiver, "cases", "case").empty());
  CHECK(ids(hubctl_json(d, "parked --unit registry"), "deliveries", "delivery") == std::vector<std::int64_t>{j1});
  CHECK(ids(hubctl_json(d, "parked --unit test.stranger"), "cases", "case") == std::vector<std::int64_t>{lost1, lost2});
  // --type, --what, --reason, combined.
  const Json fee_checks = hubctl_json(d, "parked --type registry.fee_check");
  CHECK(ids(fee_checks, "deliveries", "delivery") == std::vector<std::int64_t>{j1});
  CHECK(ids(fee_checks, "cases", "case").empty());
  const Json only_cases = hubctl_json(d, "parked --what cases");
  CHECK(ids(only_cases, "cases", "case") == std::vector<std::int64_t>{lost1, lost2});
  CHECK_FALSE(only_cases.contains("deliveries"));
  CHECK_FALSE(only_cases.contains("hooks"));
  const Json no_route = hubctl_json(d, "parked --reason 'NO ROUTE'");
  CHECK(ids(no_route, "cases", "case") == std::vector<std::int64_t>{lost1, lost2});
  CHECK(ids(no_route, "deliveries", "delivery").empty());
  CHECK(ids(hubctl_json(d, "parked --what deliveries --type test.faulty --reason 'after 2 attempts'"), "deliveries",
            "delivery") == std::vector<std::int64_t>{r1, r2});
  CHECK(ids(hubctl_json(d, "parked --unit test.receiver --type registry.fee_check"), "deliveries", "delivery").empty());

  // --limit: the oldest first, and how many more match.
  const Json first = hubctl_json(d, "parked --what deliveries --limit 2");
  CHECK(ids(first, "deliveries", "delivery") == std::vector<std::int64_t>{r1, r2});
  CHECK(first["matching"]["deliveries"] == 3);
  const std::string table = hubctl(d, "parked --what deliveries --limit 2");
  CHECK_THAT(table, Catch::Contains("parked: 3 deliveries matching --what 'deliveries'") &&
                        Catch::Contains("... and 1 more (listed: the oldest 2 of 3") && Catch::Contains("故障测试") &&
                        Catch::Contains("not acknowledged after 2 attempts"));
  CHECK_THAT(table, !Catch::Contains("registry → pm.jinxiu"));

  // Usage errors are told before the hub is asked.
  int code = -1;
  CHECK_THAT(hubctl(d, "parked --what letters", &code), Catch::Contains("--what must be"));
  CHECK(code == 2);
  CHECK_THAT(hubctl(d, "parked --since yesterday", &code), Catch::Contains("--since 'yesterday'"));
  CHECK(code == 2);
  hubctl(d, "parked show delivery", &code);
  CHECK(code == 2);
}

TEST_CASE("hubctl parked show gives one item's reason, attempts, history and case", "[e2e][parked]") {
  TestDeployment d(kParkFast);
  HubProcess hubd(d);
  hubd.start();
  auto stranger = d.client("test.stranger");
  const auto lost = send_accepted(*stranger, "PS-1", "test.faulty", "", {{"note", "无路由的案件"}})["case"].get<std::int64_t>();
  auto receiver = online(d, "test.receiver");
  auto sender = d.client("test.sender");
  const Json accepted = send_accepted(*sender, "PS-2", "test.faulty", "", {{"note", "未确认的投递"}});
  const auto delivery = delivery_of(accepted);
  REQUIRE(wait_until(d, "SELECT state FROM deliveries WHERE id = " + std::to_string(delivery), "parked"));

  const std::string shown = hubctl(d, "parked show delivery " + std::to_string(delivery));
  INFO(shown);
  CHECK_THAT(shown, Catch::Contains("parked delivery " + std::to_string(delivery)) &&
                        Catch::Contains("attempts 2  not acknowledged after 2 attempts") &&
                        Catch::Contains("replay with: hubctl replay --delivery " + std::to_string(delivery)));
  // Its own history, then its case with the payload.
  CHECK_THAT(shown, Catch::Contains("delivered (attempt 1)") && Catch::Contains("redelivered (attempt 2)") &&
                        Catch::Contains("parked: not acknowledged after 2 attempts") &&
                        Catch::Contains("未确认的投递"));
  const Json detail = hubctl_json(d, "parked show delivery " + std::to_string(delivery));
  CHECK(detail["kind"] == "delivery");
  CHECK(detail["item"]["attempts"] == 2);
  CHECK(detail["case"]["payload"]["note"] == "未确认的投递");
  CHECK(detail["case"]["type_name"] == "故障测试");
  for (const auto& e : detail["history"]) CHECK(e["delivery_id"] == delivery);
  CHECK(detail["history"].size() >= 3);

  const Json the_case = hubctl_json(d, "parked show case " + std::to_string(lost));
  CHECK(the_case["item"]["parked_reason"] == "no route matches case type test.faulty");
  CHECK(the_case["case"]["payload"]["note"] == "无路由的案件");
  CHECK(the_case["history"].size() >= 2);  // accepted, parked
  CHECK_THAT(hubctl(d, "parked show case " + std::to_string(lost)), Catch::Contains("PARKED: no route matches"));

  int code = -1;
  CHECK_THAT(hubctl(d, "parked show case " + accepted["case"].dump(), &code), Catch::Contains("is not parked"));
  CHECK(code == 1);
  hubctl(d, "parked show letter 1", &code);
  CHECK(code == 2);
}

TEST_CASE("hubctl replay --all replays exactly what the filter matches, once, and dry runs change nothing", "[e2e][parked]") {
  TestDeployment d(kParkFast);
  HubProcess hubd(d);
  hubd.start();
  auto stranger = d.client("test.stranger");
  const auto lost = send_accepted(*stranger, "PR-1", "test.faulty", "", Json::object())["case"].get<std::int64_t>();
  auto receiver = online(d, "test.receiver");
  auto company = online(d, "pm.jinxiu");
  auto sender = d.client("test.sender");
  auto registry = d.client("registry");
  const auto r1 = delivery_of(send_accepted(*sender, "PR-2", "test.faulty", "", Json::object()));
  const auto r2 = delivery_of(send_accepted(*sender, "PR-3", "test.faulty", "", Json::object()));
  const auto j1 = delivery_of(send_accepted(*registry, "PR-4", "registry.fee_check", "jinxiu", fee_check(4)));
  REQUIRE(wait_until(d, "SELECT count(*) FROM deliveries WHERE state = 'parked'", "3"));
  for (auto id : {r1, r2}) take_both_attempts(*receiver, id);
  take_both_attempts(*company, j1);

  // No filter at all: refused, unless --everything.
  int code = -1;
  CHECK_THAT(hubctl(d, "replay --all", &code), Catch::Contains("--everything"));
  CHECK(code == 2);
  hubctl(d, "replay --all --delivery " + std::to_string(r1), &code);
  CHECK(code == 2);
  hubctl(d, "replay --delivery " + std::to_string(r1) + " --unit test.receiver", &code);
  CHECK(code == 2);

  // A dry run says what would happen and changes nothing.
  const std::string dry = hubctl(d, "replay --all --unit test.receiver --dry-run", &code);
  INFO(dry);
  CHECK(code == 0);
  CHECK_THAT(dry, Catch::Contains("dry run, nothing changed: would replay 2 deliveries matching --unit 'test.receiver'") &&
                      Catch::Contains("delivery " + std::string(8 - std::to_string(r1).size(), ' ') + std::to_string(r1)));
  CHECK(query_one(d, "SELECT count(*) FROM deliveries WHERE state = 'parked'") == "3");
  CHECK(operator_events(d) == "0");
  // A case that would still find no route would stay parked: exit code 1, as for a real replay.
  const Json dry_cases = Json::parse(hubctl(d, "replay --all --what cases --dry-run --json", &code));
  CHECK(code == 1);
  CHECK(ids(dry_cases["not_replayed"], "cases", "case") == std::vector<std::int64_t>{lost});
  CHECK(query_one(d, "SELECT parked_reason IS NOT NULL FROM cases WHERE id = " + std::to_string(lost)) == "t");

  // The real replay: exactly the two deliveries to test.receiver, one operator event each.
  const std::string done = hubctl(d, "replay --all --unit test.receiver", &code);
  INFO(done);
  CHECK(code == 0);
  CHECK_THAT(done, Catch::Contains("replayed 2 deliveries matching --unit 'test.receiver'"));
  CHECK(query_one(d, "SELECT string_agg(detail->>'action', ', ' ORDER BY id) FROM events WHERE kind = 'operator'") ==
        "replay delivery " + std::to_string(r1) + ", replay delivery " + std::to_string(r2));
  CHECK(state_of(d, j1) == "parked");
  CHECK(query_one(d, "SELECT parked_reason IS NOT NULL FROM cases WHERE id = " + std::to_string(lost)) == "t");
  // ...and they really arrive at the receiver.
  receiver->send({{"kind", "heartbeat"}});
  for (auto id : {r1, r2}) {
    auto again = receiver->wait_for([&](const Json& j) {
      return j.value("kind", "") == "delivery" && j.value("delivery", std::int64_t{0}) == id;
    });
    REQUIRE(again);
    CHECK((*again)["attempt"] == 1);
    receiver->ack_delivery(id);
  }
  CHECK(wait_until(d, "SELECT count(*) FROM deliveries WHERE state = 'acked' AND id IN (" + std::to_string(r1) + ", " +
                          std::to_string(r2) + ")", "2"));

  // Again: nothing is left to replay.
  CHECK_THAT(hubctl(d, "replay --all --unit test.receiver", &code), Catch::Contains("nothing to replay"));
  CHECK(code == 0);
  CHECK(operator_events(d) == "2");

  // A case that still has no route stays parked, with the reason; the exit code says so.
  const std::string cases = hubctl(d, "replay --all --what cases", &code);
  CHECK(code == 1);
  CHECK_THAT(cases, Catch::Contains("not replayed, still parked: 1 case") &&
                        Catch::Contains("still cannot route case " + std::to_string(lost) + ": no route matches"));
  CHECK(operator_events(d) == "2");

  // --everything takes what is left that can go: the fee check.
  const Json everything = hubctl_json(d, "replay --all --everything --what deliveries");
  CHECK(ids(everything["replayed"], "deliveries", "delivery") == std::vector<std::int64_t>{j1});
  company->send({{"kind", "heartbeat"}});
  REQUIRE(company->wait_for([&](const Json& j) {
    return j.value("kind", "") == "delivery" && j.value("delivery", std::int64_t{0}) == j1;
  }));
}

TEST_CASE("two hubs on one database replaying the same filter at once replay each item once", "[e2e][parked]") {
  TestDeployment first(kParkFast);
  DeploymentOptions shared = kParkFast;
  shared.shared_database = first.conninfo();
  shared.hub_id = "test-2";
  TestDeployment second(shared);
  HubProcess hub1(first), hub2(second);
  hub1.start();
  hub2.start();
  auto receiver = first.client("test.receiver");
  receiver->hello();
  REQUIRE(receiver->wait_kind("welcome"));
  auto sender = first.client("test.sender");
  constexpr int kParked = 30;
  for (int i = 0; i < kParked; ++i) send_accepted(*sender, "PC-" + std::to_string(i), "test.faulty", "", Json::object());
  REQUIRE(wait_until(first, "SELECT count(*) FROM deliveries WHERE state = 'parked'", std::to_string(kParked)));

  std::string out1, out2;
  std::thread other([&] { out2 = hubctl(second, "replay --all --unit test.receiver --json"); });
  out1 = hubctl(first, "replay --all --unit test.receiver --json");
  other.join();
  INFO(out1 << "\n" << out2);
  const Json a = Json::parse(out1), b = Json::parse(out2);
  const auto replayed = ids(a["replayed"], "deliveries", "delivery").size() + ids(b["replayed"], "deliveries", "delivery").size();
  CHECK(replayed == kParked);
  CHECK(query_one(first, "SELECT count(*) FROM events WHERE kind = 'operator'") == std::to_string(kParked));
  CHECK(query_one(first, "SELECT count(DISTINCT delivery_id) FROM events WHERE kind = 'operator'") == std::to_string(kParked));
  CHECK(query_one(first, "SELECT count(*) FROM deliveries WHERE state = 'parked'") == "0");
}

TEST_CASE("parked hook tasks and updates are filtered by kind, reason and time, shown, and replayed by filter", "[parked]") {
  TestDeployment d;  // parks updates after 3 sends, 300 ms apart and more
  InProcessHub hub(d, *hub::parse_iso8601("2026-12-07T09:00:00+08:00"));
  auto sender = d.client("test.sender");
  auto receiver = d.client("test.receiver");
  receiver->hello();
  // on_accepted throws: its hook task is parked after 5 attempts (2..16 s apart on the manual clock).
  const auto accepted = send_accepted(*sender, "PH-1", "test.faulty", "", {{"behaviour", "throw"}});
  const auto case_id = accepted["case"].get<std::int64_t>();
  const auto delivery = delivery_of(accepted);
  REQUIRE(receiver->wait_for([&](const Json& j) { return j.value("delivery", std::int64_t{0}) == delivery; }));
  receiver->ack_delivery(delivery);
  REQUIRE(poll_until(d, hub.clock(), "SELECT state FROM hook_tasks WHERE case_id = " + std::to_string(case_id), "parked",
                     std::chrono::seconds(5)));
  const std::string task = query_one(d, "SELECT id FROM hook_tasks WHERE case_id = " + std::to_string(case_id));

  // An hour later the receiver signs; the originator never acks the state update: parked.
  hub.clock().set(*hub::parse_iso8601("2026-12-07T10:00:00+08:00"));
  sender->send({{"kind", "heartbeat"}});  // online, to be sent the update
  receiver->send({{"kind", "sign"}, {"delivery", delivery}, {"reference", "PH-S"}});
  REQUIRE(receiver->wait_answer("PH-S"));
  REQUIRE(poll_until(d, hub.clock(), "SELECT state FROM updates WHERE recipient = 'test.sender'", "parked",
                     std::chrono::seconds(1)));
  const std::string update = query_one(d, "SELECT id FROM updates WHERE recipient = 'test.sender'");
  const auto task_id = std::stoll(task), update_id = std::stoll(update);
  auto sent_update = [&](int attempt) {
    return sender->wait_for([&](const Json& j) {
      return j.value("kind", "") == "state" && j.value("update", std::int64_t{0}) == update_id &&
             j.value("attempt", 0) == attempt;
    });
  };
  for (int attempt : {1, 2, 3}) REQUIRE(sent_update(attempt));

  const Json hooks = hubctl_json(d, "parked --what hooks");
  CHECK(ids(hooks, "hooks", "hook_task") == std::vector<std::int64_t>{task_id});
  CHECK_FALSE(hooks.contains("updates"));
  const Json updates = hubctl_json(d, "parked --what updates");
  CHECK(ids(updates, "updates", "update") == std::vector<std::int64_t>{update_id});
  CHECK(updates["updates"][0]["type_name"] == "故障测试");
  // The case's origin is test.sender, which is also the update's recipient.
  const Json of_sender = hubctl_json(d, "parked --unit test.sender");
  CHECK(ids(of_sender, "hooks", "hook_task") == std::vector<std::int64_t>{task_id});
  CHECK(ids(of_sender, "updates", "update") == std::vector<std::int64_t>{update_id});
  const Json thrown = hubctl_json(d, "parked --reason 'throws as asked'");
  CHECK(ids(thrown, "hooks", "hook_task") == std::vector<std::int64_t>{task_id});
  CHECK(ids(thrown, "updates", "update").empty());
  // --since / --until: the hook task was parked before 10:00, the update after.
  const Json later = hubctl_json(d, "parked --since 2026-12-07T10:00");
  CHECK(ids(later, "updates", "update") == std::vector<std::int64_t>{update_id});
  CHECK(ids(later, "hooks", "hook_task").empty());
  const Json earlier = hubctl_json(d, "parked --until '2026-12-07 10:00:00'");
  CHECK(ids(earlier, "hooks", "hook_task") == std::vector<std::int64_t>{task_id});
  CHECK(ids(earlier, "updates", "update").empty());
  const Json that_day = hubctl_json(d, "parked --since 2026-12-07 --until 2026-12-07");
  CHECK(ids(that_day, "hooks", "hook_task").size() + ids(that_day, "updates", "update").size() == 2);
  CHECK(ids(hubctl_json(d, "parked --since 2026-12-08"), "hooks", "hook_task").empty());

  // Each one in detail: its own history.
  const std::string shown = hubctl(d, "parked show hook " + task);
  CHECK_THAT(shown, Catch::Contains("gave up after 5 attempts") && Catch::Contains("hook_failed: accepted attempt 5") &&
                        Catch::Contains("replay with: hubctl replay --hook-task " + task));
  const Json shown_update = hubctl_json(d, "parked show update " + update);
  CHECK(shown_update["item"]["kind"] == "state");
  REQUIRE(shown_update["history"].size() == 1);
  CHECK(shown_update["history"][0]["kind"] == "parked");

  // Replayed by filter: the hook task alone, then the update, which arrives and is acked this time.
  const Json replayed_hooks = hubctl_json(d, "replay --all --what hooks --reason 'throws as asked'");
  CHECK(ids(replayed_hooks["replayed"], "hooks", "hook_task") == std::vector<std::int64_t>{task_id});
  CHECK(query_one(d, "SELECT state FROM hook_tasks WHERE id = " + task) == "pending");
  CHECK(query_one(d, "SELECT state FROM updates WHERE id = " + update) == "parked");
  const Json replayed_updates = hubctl_json(d, "replay --all --what updates --unit test.sender");
  CHECK(ids(replayed_updates["replayed"], "updates", "update") == std::vector<std::int64_t>{update_id});
  sender->send({{"kind", "heartbeat"}});
  REQUIRE(sent_update(1));
  sender->send({{"kind", "ack"}, {"update", update_id}});
  REQUIRE(wait_until(d, "SELECT state FROM updates WHERE id = " + update, "acked"));
  CHECK(query_one(d, "SELECT string_agg(detail->>'action', ', ' ORDER BY id) FROM events WHERE kind = 'operator'") ==
        "replay hook task " + task + ", replay update " + update + " (state)");
}

TEST_CASE("a case every unit returned is parked, found by the units that returned it, and stays parked on replay", "[parked]") {
  TestDeployment d;
  InProcessHub hub(d, *hub::parse_iso8601("2026-12-07T09:00:00+08:00"));
  auto sender = d.client("test.sender");
  auto company = d.client("pm.jinxiu");
  auto subdistrict = d.client("sd.xinzhou");
  auto office = d.client("lg.office");
  for (auto* unit : {sender.get(), company.get(), subdistrict.get(), office.get()}) unit->hello();
  const auto case_id = send_accepted(*sender, "PT-1", "test.routed", "jinxiu", Json::object())["case"].get<std::int64_t>();
  // The servicer returns it, then each return decider in turn (the 镇街, the leading-group office).
  int n = 0;
  for (auto* unit : {company.get(), subdistrict.get(), office.get()}) {
    auto delivery = unit->wait_for([&](const Json& j) {
      return j.value("kind", "") == "delivery" && j.value("case", std::int64_t{0}) == case_id;
    });
    REQUIRE(delivery);
    const auto id = (*delivery)["delivery"].get<std::int64_t>();
    unit->ack_delivery(id);
    const std::string reference = "PT-R" + std::to_string(++n);
    unit->send({{"kind", "return"}, {"delivery", id}, {"reference", reference}, {"reason", "不归本单位管"}});
    auto answer = unit->wait_answer(reference);
    REQUIRE(answer);
    REQUIRE((*answer)["kind"] == "transition_accepted");
  }
  REQUIRE(wait_until(d, "SELECT parked_reason IS NOT NULL FROM cases WHERE id = " + std::to_string(case_id), "t"));

  for (const char* unit : {"pm.jinxiu", "sd.xinzhou", "lg.office", "test.sender"}) {
    INFO(unit);
    CHECK(ids(hubctl_json(d, std::string("parked --what cases --unit ") + unit), "cases", "case") ==
          std::vector<std::int64_t>{case_id});
  }
  CHECK(ids(hubctl_json(d, "parked --what cases --unit pm.hengan"), "cases", "case").empty());
  CHECK_THAT(hubctl(d, "parked --what cases --reason 'no other unit'"),
             Catch::Contains("returned by lg.office (不归本单位管) and no other unit can take it"));

  int code = -1;
  const std::string out = hubctl(d, "replay --all --what cases --unit pm.jinxiu", &code);
  INFO(out);
  CHECK(code == 1);
  CHECK_THAT(out, Catch::Contains("still cannot route case " + std::to_string(case_id)));
  CHECK(query_one(d, "SELECT count(*) FROM events WHERE kind = 'operator'") == "0");
  CHECK(query_one(d, "SELECT parked_reason IS NOT NULL FROM cases WHERE id = " + std::to_string(case_id)) == "t");
}
