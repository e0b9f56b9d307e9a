// The governance plugin through the real hub: real PostgreSQL, real ZeroMQ,
// the real Xinhui config (config/plugins/governance.yaml), on a manual clock.
#include <catch2/catch.hpp>

#include <thread>

#include "test_hub.h"

using hub::Json;
using namespace hub::testing;

namespace {

// Waits (bounded) until `sql` returns `expected`, moving the manual clock by
// `step` between looks.
Json answer(UnitClient& sender, const std::string& reference, const std::string& type, const std::string& compound,
            Json payload) {
  sender.send_case(reference, type, compound, std::move(payload));
  auto a = sender.wait_answer(reference);
  REQUIRE(a);
  return *a;
}

Json accepted(UnitClient& sender, const std::string& reference, const std::string& type, const std::string& compound,
              Json payload) {
  Json a = answer(sender, reference, type, compound, std::move(payload));
  INFO(a.dump());
  REQUIRE(a["kind"] == "accepted");
  return a;
}

// "unit" for deliveries, "unit(notice)" for notices, in the answer's order.
std::vector<std::string> receivers(const Json& accepted_answer) {
  std::vector<std::string> out;
  for (const auto& d : accepted_answer["deliveries"])
    out.push_back(d["to"].get<std::string>() + (d.value("notice", false) ? "(notice)" : ""));
  return out;
}

// Receivers of the cases of `type`, sorted, "unit:notice".
std::string receivers_of_type(const TestDeployment& d, const std::string& type) {
  return query_one(d, "SELECT string_agg(d.receiver || ':' || d.notice, ',' ORDER BY d.receiver) FROM deliveries d "
                      "JOIN cases c ON c.id = d.case_id WHERE c.type = '" + type + "'");
}

std::optional<Json> delivery_of(UnitClient& unit, const std::string& type) {
  return unit.wait_for([&](const Json& j) { return j.value("kind", "") == "delivery" && j.value("type", "") == type; });
}

Json complaint(const std::string& category) { return {{"category", category}, {"description", "投诉内容"}, {"location", "3号楼"}}; }

Json decision(double consenting_area, int consenting_owners) {
  return {{"matter", "fund_use"},         {"description", "更换3号楼电梯"}, {"total_area_m2", 45000},
          {"total_owners", 480},          {"consenting_area_m2", consenting_area},
          {"consenting_owners", consenting_owners}, {"voting_closed_on", "2026-03-01"}, {"amount_yuan", 380000}};
}

}  // namespace

TEST_CASE("complaints reach the unit their category names, unknown categories are rejected", "[governance][e2e]") {
  TestDeployment d;
  InProcessHub hub(d);
  auto community = d.client("community.jianshe");
  auto zone_staff = d.client("cgj.zone01");
  zone_staff->hello();

  const std::vector<std::pair<std::string, std::vector<std::string>>> expected = {
      {"sanitation", {"cgj.zone01"}},
      {"illegal_construction", {"cgj.zone01"}},
      {"occupation", {"cgj.zone01"}},
      {"damage_public_facilities", {"cgj.zone01"}},
      {"encroachment", {"cgj.zone01"}},
      {"decoration", {"cgj.zone01"}},
      {"service", {"pm.jinxiu"}},  // the community is the sender: no copy to itself
      {"security", {"police"}},
      {"vehicles", {"police"}},
      {"fire_safety", {"fire"}},
      {"water", {"water"}},
      {"heating", {"heating"}},
      {"power", {"power"}},
      {"gas", {"gas"}},
      {"noise", {"sd.xinzhou"}},
      {"dispute", {"sd.xinzhou"}},
  };
  for (const auto& [category, units] : expected) {
    INFO(category);
    CHECK(receivers(accepted(*community, "C-" + category, "complaint.general", "jinxiu", complaint(category))) == units);
  }
  // The zone's urban-management staff get the complaint itself.
  auto delivered = delivery_of(*zone_staff, "complaint.general");
  REQUIRE(delivered);
  CHECK((*delivered)["type_name"] == "小区综合投诉");
  CHECK((*delivered)["payload"]["category"] == "sanitation");

  // Another zone, another 镇街; a compound with no company is served by its community.
  auto subdistrict = d.client("sd.huizhou");
  CHECK(receivers(accepted(*subdistrict, "H-1", "complaint.general", "huimin", complaint("sanitation"))) ==
        std::vector<std::string>{"cgj.zone06"});
  CHECK(receivers(accepted(*subdistrict, "H-2", "complaint.general", "huimin", complaint("service"))) ==
        std::vector<std::string>{"pm.anju", "community.huimin(notice)"});
  CHECK(receivers(accepted(*subdistrict, "H-3", "complaint.general", "beicheng", complaint("service"))) ==
        std::vector<std::string>{"community.beicheng"});

  const std::string cases_before = query_one(d, "SELECT count(*) FROM cases");
  Json rejected = answer(*community, "C-bad", "complaint.general", "jinxiu", complaint("ghosts"));
  CHECK(rejected["kind"] == "rejected");
  REQUIRE(rejected["problems"].size() == 1);
  CHECK(rejected["problems"][0]["pointer"] == "/category");
  CHECK_THAT(rejected["problems"][0]["reason"].get<std::string>(),
             Catch::Contains("unknown category 'ghosts'") && Catch::Contains("sanitation (环境卫生和市容)"));
  CHECK(query_one(d, "SELECT count(*) FROM cases") == cases_before);
  CHECK(query_one(d, "SELECT count(*) FROM cases WHERE reference = 'C-bad'") == "0");
}

TEST_CASE("credit events move a company's points, crossing the black-list mark is announced, and the bidding "
          "group's query returns the file", "[governance][e2e]") {
  TestDeployment d;
  InProcessHub hub(d);
  auto cgj = d.client("cgj");
  auto company = d.client("pm.jinxiu");
  auto bidding = d.client("bidding");
  auto zone_staff = d.client("cgj.zone01");
  for (auto* u : {cgj.get(), company.get(), bidding.get()}) u->hello();

  const Json event = {{"company", "pm.jinxiu"},   {"points", -40},        {"reason", "垃圾清运不及时，责令整改逾期未改"},
                      {"category", "sanitation"}, {"occurred_on", "2026-03-02"}};
  const Json a = accepted(*cgj, "CR-1", "governance.credit_event", "jinxiu", event);
  CHECK(receivers(a) == std::vector<std::string>{"sd.xinzhou(notice)"});
  const auto event_case = a["case"].get<std::int64_t>();

  REQUIRE(poll_until(d, hub.clock(), "SELECT value->>'points' FROM plugin_state WHERE key = 'credit/pm.jinxiu'", "60"));
  CHECK(query_one(d, "SELECT value->>'status' FROM plugin_state WHERE key = 'credit/pm.jinxiu'") == "black_list");
  REQUIRE(poll_until(d, hub.clock(), "SELECT count(*) FROM cases WHERE type = 'governance.credit_status_notice'", "1"));
  CHECK(receivers_of_type(d, "governance.credit_status_notice") ==
        "bidding:true,cgj:true,pm.jinxiu:true,sd.xinzhou:true");
  CHECK(receivers_of_type(d, "governance.credit_event_notice") == "pm.jinxiu:true");

  auto status = delivery_of(*company, "governance.credit_status_notice");
  REQUIRE(status);
  CHECK((*status)["notice"] == true);
  CHECK((*status)["payload"]["status"] == "black_list");
  CHECK((*status)["payload"]["status_name"] == "黑名单");
  CHECK((*status)["payload"]["points"] == 60);
  CHECK((*status)["payload"]["cause"]["case"] == event_case);
  REQUIRE(delivery_of(*bidding, "governance.credit_status_notice"));
  REQUIRE(delivery_of(*cgj, "governance.credit_status_notice"));
  auto told = delivery_of(*company, "governance.credit_event_notice");
  REQUIRE(told);
  CHECK((*told)["payload"]["event"]["points"] == -40);

  // The bidding group asks: the answer comes at once, and 城管局 gets the file to confirm.
  const Json q = accepted(*bidding, "Q-1", "governance.credit_query", "",
                          {{"company", "pm.jinxiu"}, {"purpose", "城南新居物业服务招标资格审查"}});
  CHECK(receivers(q) == std::vector<std::string>{"cgj"});
  auto report = delivery_of(*bidding, "governance.credit_report");
  REQUIRE(report);
  CHECK((*report)["payload"]["query_case"] == q["case"]);
  const Json& file = (*report)["payload"]["file"];
  CHECK(file["points"] == 60);
  CHECK(file["status"] == "black_list");
  REQUIRE(file["events"].size() == 1);
  CHECK(file["events"][0]["case"] == event_case);
  CHECK(file["events"][0]["reason"] == "垃圾清运不及时，责令整改逾期未改");
  auto query = delivery_of(*cgj, "governance.credit_query");
  REQUIRE(query);
  CHECK((*query)["annex"]["credit_file"] == file);

  // An event from zone staff goes to 城管局, which refuses it: the points come back.
  Json deduction = event;
  deduction["points"] = -5;
  deduction["reason"] = "绿化养护不到位";
  const Json z = accepted(*zone_staff, "CR-2", "governance.credit_event", "jinxiu", deduction);
  CHECK(receivers(z) == std::vector<std::string>{"cgj", "sd.xinzhou(notice)"});
  REQUIRE(poll_until(d, hub.clock(), "SELECT value->>'points' FROM plugin_state WHERE key = 'credit/pm.jinxiu'", "55"));
  auto to_record = delivery_of(*cgj, "governance.credit_event");
  REQUIRE(to_record);
  const auto delivery = (*to_record)["delivery"].get<std::int64_t>();
  cgj->reply(delivery, "CGJ-R-1", true, "refused", Json::object());
  auto refused = cgj->wait_answer("CGJ-R-1");
  REQUIRE(refused);
  CHECK((*refused)["code"] == "invalid_reply");
  CHECK((*refused)["problems"][0]["pointer"] == "/reason");
  cgj->reply(delivery, "CGJ-R-2", true, "refused", {{"reason", "经核实属实已整改，不予记分"}});
  auto ok = cgj->wait_for([](const Json& j) { return j.value("reference", "") == "CGJ-R-2"; });
  REQUIRE(ok);
  CHECK((*ok)["kind"] == "reply_accepted");
  REQUIRE(poll_until(d, hub.clock(), "SELECT value->>'points' FROM plugin_state WHERE key = 'credit/pm.jinxiu'", "60"));
  CHECK(query_one(d, "SELECT value->'events'->1->>'reversal_reason' FROM plugin_state WHERE key = 'credit/pm.jinxiu'") ==
        "经核实属实已整改，不予记分");
  // Still on the black list: no second status notice.
  CHECK(query_one(d, "SELECT count(*) FROM cases WHERE type = 'governance.credit_status_notice'") == "1");

  // An event of 城管局's own that names no compound has no receivers by route;
  // the file still moves, and leaving the black list is announced (no 镇街 to copy).
  Json reward = event;
  reward["points"] = 10;
  reward["reason"] = "整改到位，业主满意度测评优良";
  const Json r = accepted(*cgj, "CR-3", "governance.credit_event", "", reward);
  CHECK(r["deliveries"].empty());
  CHECK_FALSE(r.contains("parked"));
  REQUIRE(poll_until(d, hub.clock(), "SELECT value->>'points' FROM plugin_state WHERE key = 'credit/pm.jinxiu'", "70"));
  REQUIRE(poll_until(d, hub.clock(), "SELECT count(*) FROM cases WHERE type = 'governance.credit_status_notice'", "2"));
  CHECK(query_one(d, "SELECT string_agg(d.receiver, ',' ORDER BY d.receiver) FROM deliveries d JOIN cases c ON "
                     "c.id = d.case_id WHERE c.type = 'governance.credit_status_notice' AND c.payload->>'status' = "
                     "'normal'") == "bidding,cgj,pm.jinxiu");
}

TEST_CASE("a fund decision below the threshold is rejected and leaves nothing, one at the threshold reaches 住建局",
          "[governance][e2e]") {
  TestDeployment d;
  InProcessHub hub(d);
  auto community = d.client("community.jianshe");
  auto zjj = d.client("zjj");
  zjj->hello();

  // 2/3 of 45000 m² is 30000, of 480 owners 320.
  Json below = answer(*community, "FD-1", "governance.fund_decision", "jinxiu", decision(29999.5, 319));
  CHECK(below["kind"] == "rejected");
  std::map<std::string, std::string> reasons;
  for (const auto& p : below["problems"]) reasons[p["pointer"].get<std::string>()] = p["reason"].get<std::string>();
  CHECK(reasons.size() == 2);
  CHECK(reasons["/consenting_area_m2"] ==
        "consent covers 66.6656% of the exclusive area (29999.5 of 45000 m²); fund_use needs at least 2/3 (66.6667%)");
  CHECK(reasons["/consenting_owners"] ==
        "consent covers 66.46% of the owners (319 of 480); fund_use needs at least 2/3 (66.67%)");
  CHECK(query_one(d, "SELECT count(*) FROM cases") == "0");

  const Json at = accepted(*community, "FD-2", "governance.fund_decision", "jinxiu", decision(30000, 320));
  CHECK(receivers(at) == std::vector<std::string>{"zjj", "zg.zone01(notice)", "sd.xinzhou(notice)"});
  auto delivered = delivery_of(*zjj, "governance.fund_decision");
  REQUIRE(delivered);
  CHECK((*delivered)["notice"] == false);
  CHECK((*delivered)["annex"]["consent_check"]["owners"]["share_text"] == "66.67%");
  CHECK((*delivered)["annex"]["consent_check"]["area"]["met"] == true);

  // By public notice, naming another zone's group: accepted, and the sender and the right group are told.
  Json notice = decision(31000, 330);
  notice["by_public_notice"] = true;
  notice["notice_period"] = {{"from", "2026-02-10"}, {"to", "2026-02-24"}};
  notice["supervised_by"] = "zg.zone07";
  community->hello();
  const Json n = accepted(*community, "FD-3", "governance.fund_decision", "jinxiu", notice);
  auto warning = delivery_of(*community, "governance.supervision_notice");
  REQUIRE(warning);
  CHECK((*warning)["payload"]["decision_case"] == n["case"]);
  CHECK((*warning)["payload"]["zone_group"] == "zg.zone01");
  CHECK(receivers_of_type(d, "governance.supervision_notice") == "community.jianshe:true,zg.zone01:true");

  // 住建局 answers a fund query with the balance; an answer without it is refused.
  auto company = d.client("pm.jinxiu");
  company->hello();
  const Json fq = accepted(*company, "FQ-1", "governance.fund_query", "jinxiu", {{"building", "3号楼"}, {"purpose", "电梯更换预算"}});
  CHECK(receivers(fq) == std::vector<std::string>{"zjj"});
  auto query = delivery_of(*zjj, "governance.fund_query");
  REQUIRE(query);
  const auto qd = (*query)["delivery"].get<std::int64_t>();
  zjj->reply(qd, "ZJJ-1", true, "answered", {{"as_of", "2026-03-10"}});
  auto bad = zjj->wait_answer("ZJJ-1");
  REQUIRE(bad);
  CHECK((*bad)["code"] == "invalid_reply");
  CHECK((*bad)["problems"][0]["pointer"] == "/balance_yuan");
  zjj->reply(qd, "ZJJ-2", true, "answered", {{"balance_yuan", 812345.6}, {"as_of", "2026-03-10"}});
  auto forwarded = company->wait_kind("reply");
  REQUIRE(forwarded);
  CHECK((*forwarded)["body"]["balance_yuan"] == 812345.6);
  CHECK((*forwarded)["outcome"] == "answered");
}

TEST_CASE("owners' committees file elections with 住建局, tell their decisions, and ask to spend common income",
          "[governance][e2e]") {
  TestDeployment d;
  InProcessHub hub(d);
  auto community = d.client("community.jianshe");
  auto zjj = d.client("zjj");
  zjj->hello();
  community->hello();

  Json members = Json::array();
  for (const char* role : {"主任", "副主任", "委员", "委员", "委员"})
    members.push_back({{"name", std::string("成员") + std::to_string(members.size() + 1)}, {"role", role}});
  const Json filing = {{"elected_on", "2026-03-08"}, {"term_years", 5}, {"members", members},
                       {"assembly_record", "锦绣花园业主大会决议〔2026〕1号"}};
  Json two_chairs = filing;
  two_chairs["members"][1]["role"] = "主任";
  Json rejected = answer(*community, "OC-0", "governance.oc_election_filing", "jinxiu", two_chairs);
  CHECK(rejected["kind"] == "rejected");
  CHECK(rejected["problems"][0]["pointer"] == "/members");
  CHECK(query_one(d, "SELECT count(*) FROM cases") == "0");

  const Json a = accepted(*community, "OC-1", "governance.oc_election_filing", "jinxiu", filing);
  CHECK(receivers(a) == std::vector<std::string>{"zjj", "sd.xinzhou(notice)", "zg.zone01(notice)"});
  auto delivered = delivery_of(*zjj, "governance.oc_election_filing");
  REQUIRE(delivered);
  const auto delivery = (*delivered)["delivery"].get<std::int64_t>();
  zjj->reply(delivery, "ZJJ-F-1", true, "returned", {{"note", "材料不全"}});
  auto bad = zjj->wait_answer("ZJJ-F-1");
  REQUIRE(bad);
  CHECK((*bad)["problems"][0]["pointer"] == "/reasons");
  zjj->reply(delivery, "ZJJ-F-2", true, "returned", {{"reasons", {"缺少业主大会表决票统计表"}}});
  auto returned = community->wait_kind("reply");
  REQUIRE(returned);
  CHECK((*returned)["outcome"] == "returned");

  // A committee: its decisions are notices to the zone group and the work team;
  // spending common income goes to the zone group for approval.
  auto committee = d.client("oc.xinzhou");
  const Json decided = accepted(*committee, "OD-1", "governance.oc_decision", "xinzhou",
                                {{"decision", "同意续聘锦绣物业"}, {"decided_on", "2026-03-09"}});
  const auto notified = receivers(decided);
  CHECK(notified.size() == 2);
  for (const auto& r : notified) {
    INFO(r);
    CHECK((r.starts_with("zg.zone") || r == "team.xinzhou(notice)"));
    CHECK(r.ends_with("(notice)"));
  }
  CHECK(query_one(d, "SELECT count(*) FROM cases WHERE type = 'governance.oc_decision'") == "1");

  const Json spend = accepted(*committee, "CI-1", "governance.common_income_spending", "xinzhou",
                              {{"amount_yuan", 12000}, {"purpose", "业主委员会年度工作经费"},
                               {"assembly_approved_on", "2026-01-15"}});
  REQUIRE(spend["deliveries"].size() == 2);
  CHECK_THAT(spend["deliveries"][0]["to"].get<std::string>(), Catch::StartsWith("zg.zone"));
  CHECK(spend["deliveries"][0].value("notice", true) == false);
  CHECK(spend["deliveries"][1]["to"] == "team.xinzhou");

  // A committee acts for its own compound only.
  Json other = answer(*committee, "CI-2", "governance.common_income_spending", "jinxiu",
                      {{"amount_yuan", 100}, {"purpose", "x"}, {"assembly_approved_on", "2026-01-15"}});
  CHECK(other["kind"] == "rejected");
  CHECK(query_one(d, "SELECT count(*) FROM cases WHERE reference = 'CI-2'") == "0");
}
