// The registry plugin through a real hub (in process, on a manual clock), real
// ZeroMQ sockets and a real PostgreSQL, with the deployment's own config:
// routing to whoever serves the compound, the reply rules, the settlement
// reminder, the "no answer" timeout and the late answer.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <thread>

#include "test_hub.h"

using hub::Json;
using namespace hub::testing;

namespace {

constexpr const char* kReminder = "registry.settlement_reminder";

// Waits (bounded) until `sql` returns `expected`, looking every 50 ms.
Json fee_check(const std::string& application_id) {
  return {{"dwelling", "3-2-501"}, {"seller", "张三"}, {"buyer", "李四"}, {"application_id", application_id}};
}

Json accepted(UnitClient& registry, const std::string& reference, const std::string& compound, Json payload) {
  registry.send_case(reference, "registry.fee_check", compound, std::move(payload));
  auto a = registry.wait_answer(reference);
  REQUIRE(a);
  INFO(a->dump());
  REQUIRE((*a)["kind"] == "accepted");
  return *a;
}

// The next delivery of the fee check `case_id` to its receiver, acked.
Json take_delivery(UnitClient& receiver, std::int64_t case_id) {
  auto delivery = receiver.wait_for([&](const Json& j) { return j.value("kind", "") == "delivery" && j.value("case", 0L) == case_id; });
  REQUIRE(delivery);
  receiver.ack_delivery((*delivery)["delivery"].get<std::int64_t>());
  return *delivery;
}

// The next settlement reminder the registry receives, acked.
Json take_reminder(UnitClient& registry) {
  auto r = registry.wait_for([](const Json& j) { return j.value("kind", "") == "delivery" && j.value("type", "") == kReminder; });
  REQUIRE(r);
  registry.ack_delivery((*r)["delivery"].get<std::int64_t>());
  return *r;
}

// The answer (reply_accepted or error) to the reply with `reference`.
Json reply_answer(UnitClient& receiver, const std::string& reference) {
  auto a = receiver.wait_for([&](const Json& j) { return j.value("reference", "") == reference; });
  REQUIRE(a);
  return *a;
}

std::set<std::string> pointers(const Json& problems) {
  std::set<std::string> out;
  for (const auto& p : problems) out.insert(p["pointer"].get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("the company answers arrears: the registry gets the reply and a settlement reminder", "[registry][e2e]") {
  TestDeployment d;
  InProcessHub hub(d);
  auto registry = d.client("registry");
  auto company = d.client("pm.jinxiu");
  registry->hello();
  company->hello();
  REQUIRE(registry->wait_kind("welcome"));
  REQUIRE(company->wait_kind("welcome"));

  const Json a = accepted(*registry, "REG-1", "jinxiu", fee_check("BDC-2026-0001"));
  REQUIRE(a["deliveries"].size() == 1);
  CHECK(a["deliveries"][0]["to"] == "pm.jinxiu");
  CHECK(a["deliveries"][0]["notice"] == false);
  const auto case_id = a["case"].get<std::int64_t>();
  const Json delivery = take_delivery(*company, case_id);
  CHECK(delivery["type_name"] == "物业费结清查询");
  CHECK(delivery["payload"]["application_id"] == "BDC-2026-0001");
  const auto delivery_id = delivery["delivery"].get<std::int64_t>();
  REQUIRE(wait_until(d, "SELECT count(*) FROM timers WHERE plugin = 'registry' AND case_id = " + std::to_string(case_id), "1", std::chrono::seconds(20)));

  // Answers that break the reply rules are refused with every problem, and not stored.
  company->reply(delivery_id, "ANS-0", true, "done", {{"settled", false}});
  const Json done = reply_answer(*company, "ANS-0");
  CHECK(done["kind"] == "error");
  CHECK(done["code"] == "invalid_reply");
  CHECK(pointers(done["problems"]) == std::set<std::string>{""});
  company->reply(delivery_id, "ANS-1", true, "arrears", {{"amount_yuan", 0}, {"period", {{"from", "2025-07"}, {"to", "2025-06"}}}});
  const Json bad = reply_answer(*company, "ANS-1");
  CHECK(bad["code"] == "invalid_reply");
  CHECK(pointers(bad["problems"]) == std::set<std::string>{"/amount_yuan", "/period"});
  CHECK(query_one(d, "SELECT count(*) FROM replies") == "0");

  // Progress is free and changes nothing for the clerk.
  company->reply(delivery_id, "ANS-2", false, "", {{"status", "正在核实"}});
  CHECK(reply_answer(*company, "ANS-2")["kind"] == "reply_accepted");

  company->reply(delivery_id, "ANS-3", true, "arrears",
                 {{"amount_yuan", 1260.5}, {"period", {{"from", "2024-07"}, {"to", "2025-06"}}}, {"note", "已通知业主"}});
  CHECK(reply_answer(*company, "ANS-3")["kind"] == "reply_accepted");

  auto forwarded = registry->wait_for([](const Json& j) { return j.value("kind", "") == "reply" && j.value("final", false); });
  REQUIRE(forwarded);
  CHECK((*forwarded)["case"] == case_id);
  CHECK((*forwarded)["from"] == "pm.jinxiu");
  CHECK((*forwarded)["outcome"] == "arrears");
  CHECK((*forwarded)["body"]["amount_yuan"] == 1260.5);
  registry->ack_reply((*forwarded)["reply"].get<std::int64_t>());

  const Json reminder = take_reminder(*registry);
  CHECK(reminder["origin"] == "plugin:registry");
  CHECK(reminder["notice"] == true);
  CHECK(reminder["type_name"] == "物业费结清提醒");
  CHECK(reminder["compound"] == "jinxiu");
  const Json& p = reminder["payload"];
  CHECK(p["fee_check_case"] == case_id);
  CHECK(p["application_id"] == "BDC-2026-0001");
  CHECK(p["dwelling"] == "3-2-501");
  CHECK(p["compound_name"] == "锦绣花园");
  CHECK(p["status"] == "arrears");
  CHECK(p["amount_yuan"] == 1260.5);
  CHECK(p["period"] == Json{{"from", "2024-07"}, {"to", "2025-06"}});
  CHECK(p["answered_by"] == "pm.jinxiu");
  CHECK(p["note"] == "已通知业主");
  CHECK(p["update"] == false);
  CHECK_THAT(p["answered_at"].get<std::string>(), Catch::EndsWith("+08:00"));
  CHECK_THAT(p["message"].get<std::string>(), Catch::Contains("欠缴物业费 1260.50 元"));

  // The answer came in time: the timer is gone, so no "no answer" can follow,
  // and the reminder went only to the registry, as a notice.
  CHECK(wait_until(d, "SELECT count(*) FROM timers WHERE plugin = 'registry'", "0", std::chrono::seconds(20)));
  CHECK(query_one(d, "SELECT count(*) FROM cases WHERE type = 'registry.settlement_reminder'") == "1");
  CHECK(query_one(d, "SELECT string_agg(receiver || ':' || notice::text, ',') FROM deliveries d JOIN cases c ON "
                     "c.id = d.case_id WHERE c.type = 'registry.settlement_reminder'") == "registry:true");
}

TEST_CASE("a fee check goes to whoever serves the compound: company, custodian or community", "[registry][e2e]") {
  TestDeployment d;
  InProcessHub hub(d);
  auto registry = d.client("registry");
  registry->hello();
  REQUIRE(registry->wait_kind("welcome"));

  CHECK(accepted(*registry, "ROUTE-1", "huimin", fee_check("A-1"))["deliveries"][0]["to"] == "pm.anju");
  // 供销楼: the company left, 惠州街道 holds temporary custody.
  const Json custody = accepted(*registry, "ROUTE-2", "gongxiao", fee_check("A-2"));
  REQUIRE(custody["deliveries"].size() == 1);
  CHECK(custody["deliveries"][0]["to"] == "sd.huizhou");
  // 北城小区: no company and no custodian, its community serves it.
  const Json community = accepted(*registry, "ROUTE-3", "beicheng", fee_check("A-3"));
  REQUIRE(community["deliveries"].size() == 1);
  CHECK(community["deliveries"][0]["to"] == "community.beicheng");

  // Whoever serves answers, and the reminder names them.
  auto subdistrict = d.client("sd.huizhou");
  subdistrict->hello();
  const Json delivery = take_delivery(*subdistrict, custody["case"].get<std::int64_t>());
  subdistrict->reply(delivery["delivery"].get<std::int64_t>(), "SD-ANS-1", true, "settled", {{"note", "托管期间已结清"}});
  CHECK(reply_answer(*subdistrict, "SD-ANS-1")["kind"] == "reply_accepted");
  const Json reminder = take_reminder(*registry);
  CHECK(reminder["payload"]["fee_check_case"] == custody["case"]);
  CHECK(reminder["payload"]["status"] == "settled");
  CHECK(reminder["payload"]["answered_by"] == "sd.huizhou");
  CHECK(reminder["payload"]["compound_name"] == "供销楼");
}

TEST_CASE("no answer within the timeout gives a no_answer reminder, the late answer follows as an update", "[registry][e2e]") {
  TestDeployment d;
  InProcessHub hub(d);
  auto registry = d.client("registry");
  auto company = d.client("pm.anju");
  registry->hello();
  company->hello();
  REQUIRE(registry->wait_kind("welcome"));
  REQUIRE(company->wait_kind("welcome"));

  const Json a = accepted(*registry, "REG-T", "huimin", fee_check("BDC-2026-0002"));
  const auto case_id = a["case"].get<std::int64_t>();
  const Json delivery = take_delivery(*company, case_id);
  REQUIRE(wait_until(d, "SELECT count(*) FROM timers WHERE plugin = 'registry' AND case_id = " + std::to_string(case_id), "1", std::chrono::seconds(20)));

  // Just before the timeout (120 s by default) nothing has been sent.
  hub.clock().advance(std::chrono::seconds(119));
  CHECK_FALSE(registry->wait_for([](const Json& j) { return j.value("type", "") == kReminder; }, std::chrono::milliseconds(800)));

  hub.clock().advance(std::chrono::seconds(2));
  const Json no_answer = take_reminder(*registry);
  CHECK(no_answer["payload"]["fee_check_case"] == case_id);
  CHECK(no_answer["payload"]["status"] == "no_answer");
  CHECK(no_answer["payload"]["timeout_seconds"] == 120);
  CHECK(no_answer["payload"]["servicer"] == "pm.anju");
  CHECK(no_answer["payload"]["update"] == false);
  CHECK_THAT(no_answer["payload"]["message"].get<std::string>(), Catch::Contains("未在规定时间内答复，请人工核实"));

  // The company answers late: the registry still gets it, marked as an update.
  company->reply(delivery["delivery"].get<std::int64_t>(), "LATE-1", true, "arrears",
                 {{"amount_yuan", 480}, {"period", {{"from", "2025-01"}, {"to", "2025-06"}}}});
  CHECK(reply_answer(*company, "LATE-1")["kind"] == "reply_accepted");
  const Json update = take_reminder(*registry);
  CHECK(update["payload"]["fee_check_case"] == case_id);
  CHECK(update["payload"]["status"] == "arrears");
  CHECK(update["payload"]["update"] == true);
  CHECK(update["payload"]["amount_yuan"] == 480);
  CHECK(update["payload"]["period"] == Json{{"from", "2025-01"}, {"to", "2025-06"}});
  CHECK(update["payload"]["answered_by"] == "pm.anju");
  CHECK(query_one(d, "SELECT count(*) FROM cases WHERE type = 'registry.settlement_reminder' AND origin = 'plugin:registry'") == "2");
  CHECK(query_one(d, "SELECT value->>'status' FROM plugin_state WHERE plugin = 'registry' AND case_id = " +
                         std::to_string(case_id) + " AND key = 'check'") == "answered");
}

TEST_CASE("a bad fee check is rejected with every problem, and leaves no case behind", "[registry][e2e]") {
  TestDeployment d;
  InProcessHub hub(d);
  auto registry = d.client("registry");

  registry->send_case("BAD-1", "registry.fee_check", "jinxiu", {{"dwelling", 12}, {"seller", ""}, {"transfer_date", "2026-13-01"}});
  auto bad = registry->wait_answer("BAD-1");
  REQUIRE(bad);
  CHECK((*bad)["kind"] == "rejected");
  CHECK((*bad)["code"] == "invalid_payload");
  std::map<std::string, std::string> reasons;
  for (const auto& p : (*bad)["problems"]) reasons[p["pointer"].get<std::string>()] = p["reason"].get<std::string>();
  CHECK(reasons == std::map<std::string, std::string>{{"/dwelling", "must be a string"},
                                                      {"/seller", "must not be empty"},
                                                      {"/buyer", "required string is missing"},
                                                      {"/application_id", "required string is missing"},
                                                      {"/transfer_date", "must be a date (YYYY-MM-DD)"}});

  registry->send_case("BAD-2", "registry.fee_check", "", fee_check("BDC-X"));
  auto no_compound = registry->wait_answer("BAD-2");
  REQUIRE(no_compound);
  CHECK((*no_compound)["kind"] == "rejected");
  REQUIRE((*no_compound)["problems"].size() == 1);
  CHECK((*no_compound)["problems"][0]["pointer"] == "");
  CHECK_THAT((*no_compound)["problems"][0]["reason"].get<std::string>(), Catch::Contains("compound"));

  // Nobody but the plugin raises settlement reminders.
  registry->send_case("BAD-3", kReminder, "jinxiu", Json::object());
  auto not_allowed = registry->wait_answer("BAD-3");
  REQUIRE(not_allowed);
  CHECK((*not_allowed)["code"] == "not_allowed");

  CHECK(query_one(d, "SELECT count(*) FROM cases") == "0");
  CHECK(query_one(d, "SELECT count(*) FROM plugin_state") == "0");
  CHECK(wait_until(d, "SELECT count(*) FROM events WHERE kind = 'rejected' AND from_unit = 'registry'", "3", std::chrono::seconds(20)));
}
