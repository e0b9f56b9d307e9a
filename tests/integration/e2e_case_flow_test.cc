// End to end through the real hubd process, real ZeroMQ with CURVE and a real
// PostgreSQL: a case's whole path, idempotent resend, rejections, and bad input.
#include <catch2/catch.hpp>

#include "test_hub.h"

using hub::Json;
using namespace hub::testing;

namespace {

Json fee_check_payload() {
  return {{"dwelling", "3-2-501"}, {"seller", "张三"}, {"buyer", "李四"}, {"application_id", "BDC-2026-0001"}};
}

}  // namespace

TEST_CASE("a fee check flows from the registry to the property company and the answer comes back", "[e2e]") {
  TestDeployment d;
  HubProcess hubd(d);
  hubd.start();
  auto registry = d.client("registry");
  auto company = d.client("pm.jinxiu");
  company->hello();
  REQUIRE(company->wait_kind("welcome"));

  registry->send_case("REG-1", "registry.fee_check", "jinxiu", fee_check_payload());
  auto accepted = registry->wait_answer("REG-1");
  REQUIRE(accepted);
  REQUIRE((*accepted)["kind"] == "accepted");
  CHECK((*accepted)["duplicate"] == false);
  REQUIRE((*accepted)["deliveries"].size() == 1);
  CHECK((*accepted)["deliveries"][0]["to"] == "pm.jinxiu");
  const auto case_id = (*accepted)["case"].get<std::int64_t>();
  const auto delivery_id = (*accepted)["deliveries"][0]["delivery"].get<std::int64_t>();

  auto delivery = company->wait_kind("delivery");
  REQUIRE(delivery);
  CHECK((*delivery)["delivery"] == delivery_id);
  CHECK((*delivery)["case"] == case_id);
  CHECK((*delivery)["origin"] == "registry");
  CHECK((*delivery)["type_name"] == "物业费结清查询");
  CHECK((*delivery)["payload"]["buyer"] == "李四");
  CHECK((*delivery)["attempt"] == 1);
  company->ack_delivery(delivery_id);

  company->reply(delivery_id, "ANS-1", true, "arrears",
                 {{"amount_yuan", 1260.5}, {"period", {{"from", "2024-07"}, {"to", "2025-06"}}}});
  auto reply_accepted = company->wait_kind("reply_accepted");
  REQUIRE(reply_accepted);
  CHECK((*reply_accepted)["reference"] == "ANS-1");

  auto reply = registry->wait_kind("reply");
  REQUIRE(reply);
  CHECK((*reply)["case"] == case_id);
  CHECK((*reply)["from"] == "pm.jinxiu");
  CHECK((*reply)["final"] == true);
  CHECK((*reply)["body"]["amount_yuan"] == 1260.5);
  registry->ack_reply((*reply)["reply"].get<std::int64_t>());

  // The history an operator sees holds every step, in order.
  const std::string show = hubctl(d, "case " + std::to_string(case_id));
  for (const char* step : {"accepted", "routed by rule fee_check", "delivered (attempt 1)", "acked", "replied final: arrears",
                           "reply_forwarded"})
    CHECK_THAT(show, Catch::Contains(step));
  CHECK(wait_until(d, "SELECT count(*) FROM events WHERE kind = 'reply_acked'", "1"));
  CHECK(hubd.stop() == 0);
}

TEST_CASE("resending a case with the same reference returns the same case and creates nothing", "[e2e]") {
  TestDeployment d;
  HubProcess hubd(d);
  hubd.start();
  auto registry = d.client("registry");
  registry->send_case("REG-7", "registry.fee_check", "beicheng", fee_check_payload());
  auto first = registry->wait_answer("REG-7");
  REQUIRE(first);
  REQUIRE((*first)["kind"] == "accepted");
  CHECK((*first)["deliveries"][0]["to"] == "community.beicheng");  // no company: the community serves it

  registry->send_case("REG-7", "registry.fee_check", "beicheng", fee_check_payload());
  auto second = registry->wait_answer("REG-7");
  REQUIRE(second);
  CHECK((*second)["case"] == (*first)["case"]);
  CHECK((*second)["duplicate"] == true);
  CHECK((*second)["deliveries"] == (*first)["deliveries"]);
  CHECK(query_one(d, "SELECT count(*) FROM cases") == "1");
  CHECK(query_one(d, "SELECT count(*) FROM deliveries") == "1");
}

TEST_CASE("invalid cases are rejected with every problem, and nothing is stored", "[e2e]") {
  TestDeployment d;
  HubProcess hubd(d);
  hubd.start();
  auto registry = d.client("registry");

  registry->send_case("BAD-1", "registry.fee_check", "jinxiu", {{"dwelling", 12}});
  auto bad = registry->wait_answer("BAD-1");
  REQUIRE(bad);
  CHECK((*bad)["kind"] == "rejected");
  CHECK((*bad)["code"] == "invalid_payload");
  std::set<std::string> pointers;
  for (const auto& p : (*bad)["problems"]) pointers.insert(p["pointer"].get<std::string>());
  CHECK(pointers == std::set<std::string>{"/dwelling", "/seller", "/buyer", "/application_id"});
  CHECK_THAT((*bad)["message"].get<std::string>(), Catch::StartsWith("4 problem(s) in the payload"));

  registry->send_case("BAD-2", "no.such.type", "jinxiu", Json::object());
  auto unknown = registry->wait_answer("BAD-2");
  REQUIRE(unknown);
  CHECK((*unknown)["code"] == "unknown_case_type");

  registry->send_case("BAD-3", "court.arrears_referral", "jinxiu", Json::object());
  auto not_allowed = registry->wait_answer("BAD-3");
  REQUIRE(not_allowed);
  CHECK((*not_allowed)["code"] == "not_allowed");

  registry->send_case("BAD-4", "registry.fee_check", "no_such_compound", fee_check_payload());
  auto no_compound = registry->wait_answer("BAD-4");
  REQUIRE(no_compound);
  CHECK((*no_compound)["kind"] == "rejected");

  CHECK(query_one(d, "SELECT count(*) FROM cases") == "0");
  // Rejections are in the routing log, with the sender taken from its key.
  CHECK(wait_until(d, "SELECT count(*) FROM events WHERE kind = 'rejected' AND from_unit = 'registry'", "4"));
}

TEST_CASE("malformed messages get an error code while the hub keeps serving others", "[e2e]") {
  TestDeployment d;
  HubProcess hubd(d);
  hubd.start();
  auto bad = d.client("registry");
  auto good = d.client("sd.xinzhou");

  bad->send_raw({"xh1", "{not json"});
  auto e1 = bad->wait_kind("error");
  REQUIRE(e1);
  CHECK((*e1)["code"] == "malformed_json");
  bad->send_raw({"xh1", "{\"kind\":\"send\"}", "bytes", "extra"});
  auto e2 = bad->wait_kind("error");
  REQUIRE(e2);
  CHECK((*e2)["code"] == "malformed_frame");
  bad->send_raw({"xh9", "{}"});
  auto e3 = bad->wait_kind("error");
  REQUIRE(e3);
  CHECK((*e3)["code"] == "unsupported_protocol");
  bad->send_raw({"xh1", "[1,2,3]"});
  REQUIRE(bad->wait_kind("error"));
  bad->send_raw({"xh1", "{\"kind\":\"teleport\"}"});
  auto e5 = bad->wait_kind("error");
  REQUIRE(e5);
  CHECK((*e5)["code"] == "unknown_kind");
  bad->send_raw({"xh1", std::string("{\"kind\":\"send\",\"reference\":\"x\",\"type\":\"registry.fee_check\",\"payload\":{\"a\":\"\xff\xfe\"}}")});
  auto e6 = bad->wait_kind("error");
  REQUIRE(e6);
  CHECK((*e6)["code"] == "malformed_json");
  bad->send({{"kind", "send"}, {"reference", "nul"}, {"type", "registry.fee_check"}, {"compound", "jinxiu"},
             {"payload", {{"dwelling", std::string("a\0b", 3)}, {"seller", "s"}, {"buyer", "b"}, {"application_id", "x"}}}});
  auto e7 = bad->wait_answer("nul");
  REQUIRE(e7);
  CHECK((*e7)["kind"] == "error");
  CHECK((*e7)["code"] == "control_character");
  CHECK((*e7)["problems"][0]["pointer"] == "/payload/dwelling");

  good->send_case("SD-1", "complaint.general", "jinxiu", {{"category", "sanitation"}, {"description", "垃圾未清运"}});
  auto ok = good->wait_answer("SD-1");
  REQUIRE(ok);
  CHECK((*ok)["kind"] == "accepted");
  CHECK((*ok)["deliveries"][0]["to"] == "cgj.zone01");
}

TEST_CASE("an unknown key is refused and a forged sender field is ignored", "[e2e]") {
  TestDeployment d;
  HubProcess hubd(d);
  hubd.start();
  // A key the hub does not know never gets an answer.
  hub::testing::UnitClient stranger(d.endpoint(), hub::keys::generate().value(), d.hub_public_key());
  stranger.send_case("X-1", "registry.fee_check", "jinxiu", fee_check_payload());
  CHECK_FALSE(stranger.wait_answer("X-1", std::chrono::milliseconds(1500)));
  CHECK(query_one(d, "SELECT count(*) FROM cases") == "0");

  // The registry claims to be the court: the hub goes by the key.
  auto registry = d.client("registry");
  registry->send({{"kind", "send"}, {"reference", "F-1"}, {"type", "registry.fee_check"}, {"compound", "jinxiu"},
                  {"from", "court"}, {"origin", "court"}, {"payload", fee_check_payload()}});
  auto a = registry->wait_answer("F-1");
  REQUIRE(a);
  REQUIRE((*a)["kind"] == "accepted");
  CHECK(query_one(d, "SELECT origin FROM cases") == "registry");
}
