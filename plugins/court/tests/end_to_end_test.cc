// The green channel end to end: the real hubd with this config, real ZeroMQ
// with CURVE, a real PostgreSQL. A company refers a case for 锦绣花园
// (jinxiu, 新州街道); the court answers; the referrer and the 镇街 hear of it.
#include <catch2/catch.hpp>

#include <set>

#include "dossiers.h"
#include "test_hub.h"

using hub::Json;
using namespace hub::testing;

namespace {

constexpr const char* kReferral = "court.arrears_referral";
constexpr const char* kCaseNumber = "(2026)内0430民初1234号";

std::set<std::string> pointers(const Json& answer) {
  std::set<std::string> out;
  for (const auto& p : answer["problems"]) out.insert(p["pointer"].get<std::string>());
  return out;
}

std::int64_t accepted_case(UnitClient& sender, const std::string& reference, const Json& payload,
                           std::size_t deliveries) {
  sender.send_case(reference, kReferral, "jinxiu", payload);
  auto a = sender.wait_answer(reference);
  REQUIRE(a);
  INFO(a->dump());
  REQUIRE((*a)["kind"] == "accepted");
  REQUIRE((*a)["deliveries"].size() == deliveries);
  return (*a)["case"].get<std::int64_t>();
}

// The delivery of `type` about the case whose originator's reference is `reference`, acked.
Json delivery(UnitClient& unit, const std::string& type, const std::string& reference) {
  auto d = unit.wait_for([&](const Json& j) {
    return j.value("kind", "") == "delivery" && j.value("type", "") == type &&
           (type != kReferral || j.value("reference", "") == reference) &&
           (type == kReferral ||
            j.value(Json::json_pointer("/payload/referral/reference"), std::string()) == reference);
  });
  REQUIRE(d);
  unit.ack_delivery((*d)["delivery"].get<std::int64_t>());
  return *d;
}

Json forwarded_reply(UnitClient& unit, std::int64_t case_id) {
  auto r = unit.wait_for([&](const Json& j) { return j.value("kind", "") == "reply" && j.value("case", std::int64_t{0}) == case_id; });
  REQUIRE(r);
  unit.ack_reply((*r)["reply"].get<std::int64_t>());
  return *r;
}

// The hub's answer to a reply: reply_accepted or error, echoing the reply's reference.
std::string reply_answer_kind(UnitClient& court, const std::string& reference, Json* answer = nullptr) {
  auto a = court.wait_for([&](const Json& j) {
    const std::string kind = j.value("kind", "");
    return (kind == "reply_accepted" || kind == "error") && j.value("reference", "") == reference;
  });
  if (!a) return "no answer";
  if (answer != nullptr) *answer = *a;
  return a->value("kind", "");
}

}  // namespace

TEST_CASE("a referral is rejected until complete, the court's replies reach the company and the 镇街", "[court][e2e]") {
  TestDeployment d;
  HubProcess hubd(d);
  hubd.start();
  auto company = d.client("pm.jinxiu");
  auto court = d.client("court");
  auto subdistrict = d.client("sd.xinzhou");
  court->hello();
  REQUIRE(court->wait_kind("welcome"));
  subdistrict->hello();
  REQUIRE(subdistrict->wait_kind("welcome"));

  // 1. An incomplete dossier is rejected with every problem, and nothing is stored.
  company->send_case("JX-SS-1", kReferral, "jinxiu", court_test::incomplete_dossier());
  auto rejected = company->wait_answer("JX-SS-1");
  REQUIRE(rejected);
  CHECK((*rejected)["kind"] == "rejected");
  CHECK((*rejected)["code"] == "invalid_payload");
  CHECK(pointers(*rejected) ==
        std::set<std::string>{"/reminders", "/claim/total_yuan", "/claim/period", "/collection_measures/1", "/evidence"});
  for (const auto& p : (*rejected)["problems"])
    if (p["pointer"] == "/reminders") CHECK_THAT(p["reason"].get<std::string>(), Catch::Contains("art. 944"));
  CHECK(query_one(d, "SELECT count(*) FROM cases") == "0");
  CHECK(query_one(d, "SELECT count(*) FROM deliveries") == "0");

  // 2. The same reference, completed: the court gets the case, the 镇街 a copy.
  const auto case_id = accepted_case(*company, "JX-SS-1", court_test::complete_dossier(), 2);
  CHECK(query_one(d, "SELECT route FROM cases WHERE id = " + std::to_string(case_id)) == "arrears_referral");
  const Json to_court = delivery(*court, kReferral, "JX-SS-1");
  CHECK(to_court["notice"] == false);
  CHECK(to_court["origin"] == "pm.jinxiu");
  CHECK(to_court["type_name"] == "物业费欠费诉讼绿色通道移送");
  CHECK(to_court["payload"]["claim"]["total_yuan"] == 2224.8);
  const Json copy = delivery(*subdistrict, kReferral, "JX-SS-1");
  CHECK(copy["notice"] == true);
  const auto court_delivery = to_court["delivery"].get<std::int64_t>();

  // 3. An acceptance without its case number is refused with its problems, and not stored.
  court->reply(court_delivery, "FY-1", false, "", {{"status", "accepted"}});
  Json refused;
  REQUIRE(reply_answer_kind(*court, "FY-1", &refused) == "error");
  CHECK(refused["code"] == "invalid_reply");
  REQUIRE(refused["problems"].size() == 1);
  CHECK(refused["problems"][0]["pointer"] == "/case_number");
  CHECK_THAT(refused["problems"][0]["reason"].get<std::string>(), Catch::Contains("case number (案号)"));
  court->reply(court_delivery, "FY-1b", true, "done", {{"court_case_no", kCaseNumber}});
  Json not_an_outcome;
  REQUIRE(reply_answer_kind(*court, "FY-1b", &not_an_outcome) == "error");
  CHECK(not_an_outcome["code"] == "invalid_reply");
  CHECK(pointers(not_an_outcome) == std::set<std::string>{""});
  CHECK(query_one(d, "SELECT count(*) FROM replies") == "0");

  // 4. The acceptance with its case number: the company gets it, the 镇街 a status notice.
  court->reply(court_delivery, "FY-2", false, "", {{"status", "accepted"}, {"case_number", kCaseNumber}});
  REQUIRE(reply_answer_kind(*court, "FY-2") == "reply_accepted");
  const Json accepted = forwarded_reply(*company, case_id);
  CHECK(accepted["from"] == "court");
  CHECK(accepted["final"] == false);
  CHECK(accepted["body"]["case_number"] == kCaseNumber);
  const Json notice = delivery(*subdistrict, "court.status_notice", "JX-SS-1");
  CHECK(notice["notice"] == true);
  CHECK(notice["origin"] == "plugin:court");
  CHECK(notice["type_name"] == "诉讼进展通知");
  CHECK(notice["compound"] == "jinxiu");
  CHECK(notice["payload"]["status"] == "accepted");
  CHECK(notice["payload"]["case_number"] == kCaseNumber);
  CHECK(notice["payload"]["referral"]["origin"] == "pm.jinxiu");
  CHECK(notice["payload"]["referral"]["case"] == case_id);
  CHECK(wait_until(d,
                   "SELECT value->>'case_number' FROM plugin_state WHERE plugin = 'court' AND key = 'progress' "
                   "AND case_id = " + std::to_string(case_id),
                   kCaseNumber));

  // 5. Another referral is returned with reasons: likewise to both.
  Json second = court_test::complete_dossier();
  second["defendant"] = {{"name", "李某"}, {"dwelling", "5号楼1单元302"}};
  const auto second_id = accepted_case(*company, "JX-SS-2", second, 2);
  const auto second_delivery = delivery(*court, kReferral, "JX-SS-2")["delivery"].get<std::int64_t>();
  delivery(*subdistrict, kReferral, "JX-SS-2");
  court->reply(second_delivery, "FY-3", true, "returned", {{"reasons", {"催缴通知书未载明送达日期", "欠费明细缺少计费面积"}}});
  REQUIRE(reply_answer_kind(*court, "FY-3") == "reply_accepted");
  const Json returned = forwarded_reply(*company, second_id);
  CHECK(returned["final"] == true);
  CHECK(returned["outcome"] == "returned");
  CHECK(returned["body"]["reasons"].size() == 2);
  const Json return_notice = delivery(*subdistrict, "court.status_notice", "JX-SS-2");
  CHECK(return_notice["payload"]["status"] == "returned");
  CHECK(return_notice["payload"]["final"] == true);
  CHECK(return_notice["payload"]["reasons"] == Json({"催缴通知书未载明送达日期", "欠费明细缺少计费面积"}));
  CHECK(hubd.stop() == 0);
}

TEST_CASE("a 镇街 that refers a case hears the court once, by the forwarded reply", "[court][e2e]") {
  TestDeployment d;
  HubProcess hubd(d);
  hubd.start();
  auto court = d.client("court");
  auto subdistrict = d.client("sd.xinzhou");
  court->hello();
  REQUIRE(court->wait_kind("welcome"));

  Json dossier = court_test::complete_dossier();
  dossier["plaintiff"] = {{"name", "新州街道办事处（临时托管）"}, {"unit", "sd.xinzhou"}};
  const auto case_id = accepted_case(*subdistrict, "XZ-SS-1", dossier, 1);  // no copy of its own case
  const auto to_court = delivery(*court, kReferral, "XZ-SS-1")["delivery"].get<std::int64_t>();
  court->reply(to_court, "FY-9", false, "", {{"status", "accepted"}, {"case_number", "(2026)内0430民初1240号"}});
  REQUIRE(reply_answer_kind(*court, "FY-9") == "reply_accepted");
  const Json forwarded = forwarded_reply(*subdistrict, case_id);
  CHECK(forwarded["body"]["case_number"] == "(2026)内0430民初1240号");

  // The hook ran (its progress is stored with its raises, in one commit) and raised nothing.
  REQUIRE(wait_until(d,
                     "SELECT value->>'status' FROM plugin_state WHERE plugin = 'court' AND key = 'progress' "
                     "AND case_id = " + std::to_string(case_id),
                     "accepted"));
  CHECK(query_one(d, "SELECT count(*) FROM cases WHERE type = 'court.status_notice'") == "0");
  CHECK(query_one(d, "SELECT count(*) FROM deliveries WHERE receiver = 'sd.xinzhou'") == "0");
}
