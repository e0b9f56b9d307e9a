// The utilities plugin through the real hub (in-process, on a manual clock),
// with the real config, a real PostgreSQL and real ZeroMQ sockets: a joint
// acceptance that fails one item and completes after its re-inspection; a
// company's exit without successor that ends in the 镇街's custody, to which
// the registry's next fee check then goes.
#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "local_dates.h"
#include "test_hub.h"

using hub::Json;
using namespace hub::testing;

namespace {

// The next delivery of `type` to `unit` (acked), whose payload satisfies `match`.
Json delivery_of(UnitClient& unit, const std::string& type,
                 const std::function<bool(const Json&)>& match = [](const Json&) { return true; }) {
  auto d = unit.wait_for([&](const Json& j) {
    return j.value("kind", "") == "delivery" && j.value("type", "") == type && match(j["payload"]);
  });
  REQUIRE(d);
  unit.ack_delivery((*d)["delivery"].get<std::int64_t>());
  return *d;
}

void final_reply(UnitClient& unit, const Json& delivery, const std::string& reference, const std::string& outcome,
                 Json body) {
  unit.reply(delivery["delivery"].get<std::int64_t>(), reference, true, outcome, std::move(body));
  auto answer = unit.wait_for([&](const Json& j) { return j.value("reference", "") == reference; });
  REQUIRE(answer);
  INFO(answer->dump());
  REQUIRE((*answer)["kind"] == "reply_accepted");
}

std::set<std::string> pointers(const Json& answer) {
  std::set<std::string> out;
  for (const auto& p : answer["problems"]) out.insert(p["pointer"].get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("a joint acceptance reaches each unit, fails on one item, and completes after its re-inspection",
          "[utilities][e2e]") {
  TestDeployment d;
  InProcessHub hub(d);
  auto zjj = d.client("zjj");
  auto subdistrict = d.client("sd.xinzhou");
  auto water = d.client("water");
  auto fire = d.client("fire");
  auto market = d.client("market");
  for (auto* c : {zjj.get(), subdistrict.get(), water.get(), fire.get(), market.get()}) c->hello();

  // A payload with an unknown item is rejected with the item's pointer; nothing is stored.
  zjj->send_case("YS-BAD", "utilities.joint_acceptance", "jinxiu",
                 {{"acceptance_id", "ZJJ-YS-2026-007"}, {"project", "锦绣花园二期"}, {"requested_on", "2026-03-01"},
                  {"items", {"water_network", "helipad"}}});
  auto rejected = zjj->wait_answer("YS-BAD");
  REQUIRE(rejected);
  CHECK((*rejected)["kind"] == "rejected");
  CHECK(pointers(*rejected) == std::set<std::string>{"/developer", "/items/1"});
  CHECK(query_one(d, "SELECT count(*) FROM cases") == "0");

  const Json opened = send_accepted(*zjj, "YS-1", "utilities.joint_acceptance", "jinxiu",
                               {{"acceptance_id", "ZJJ-YS-2026-007"},
                                {"project", "锦绣花园二期"},
                                {"developer", "敖汉旗锦绣房地产开发有限公司"},
                                {"requested_on", "2026-03-01"},
                                {"items", {"water_network", "fire_facilities", "post", "lifts"}}});
  REQUIRE(opened["deliveries"].size() == 1);  // the 镇街 co-leads: a copy
  CHECK(opened["deliveries"][0]["to"] == "sd.xinzhou");
  CHECK(opened["deliveries"][0]["notice"] == true);
  const auto acceptance_case = opened["case"].get<std::int64_t>();

  // Each responsible unit receives its item, the 镇街 the one the checklist gives "compound.subdistrict".
  const Json water_item = delivery_of(*water, "utilities.acceptance_item");
  const Json fire_item = delivery_of(*fire, "utilities.acceptance_item");
  const Json post_item = delivery_of(*subdistrict, "utilities.acceptance_item");
  const Json lift_item = delivery_of(*market, "utilities.acceptance_item");
  CHECK(water_item["payload"]["item"] == "water_network");
  CHECK(fire_item["payload"]["item"] == "fire_facilities");
  CHECK(post_item["payload"]["item"] == "post");
  CHECK(lift_item["payload"]["item"] == "lifts");
  CHECK(fire_item["origin"] == "plugin:utilities");
  CHECK(fire_item["type_name"] == "联合验收事项");
  CHECK(fire_item["notice"] == false);
  CHECK(fire_item["payload"]["acceptance_case"] == acceptance_case);
  CHECK(query_one(d, "SELECT count(*) FROM cases WHERE type = 'utilities.acceptance_item'") == "4");

  // A failed verdict without defects or who must act is refused and not stored.
  fire->reply(fire_item["delivery"].get<std::int64_t>(), "FIRE-BAD", true, "failed", Json::object());
  auto refused = fire->wait_answer("FIRE-BAD");
  REQUIRE(refused);
  CHECK((*refused)["code"] == "invalid_reply");
  CHECK(pointers(*refused) == std::set<std::string>{"/defects", "/must_act"});

  final_reply(*water, water_item, "W-1", "passed", {{"remarks", "水压正常"}});
  final_reply(*subdistrict, post_item, "SD-1", "passed", Json::object());
  final_reply(*market, lift_item, "M-1", "passed", Json::object());
  final_reply(*fire, fire_item, "F-1", "failed", {{"defects", {"3号楼消防栓无水"}}, {"must_act", "developer"}});

  const Json failed = delivery_of(*zjj, "utilities.acceptance_result");
  CHECK(failed["notice"] == true);
  CHECK(failed["payload"]["status"] == "failed");
  REQUIRE(failed["payload"]["failed"].size() == 1);
  CHECK(failed["payload"]["failed"][0]["item"] == "fire_facilities");
  CHECK(failed["payload"]["failed"][0]["unit"] == "fire");
  CHECK(failed["payload"]["failed"][0]["defects"] == Json({"3号楼消防栓无水"}));
  CHECK(failed["payload"]["failed"][0]["must_act"] == "developer");
  CHECK(delivery_of(*subdistrict, "utilities.acceptance_result")["payload"]["status"] == "failed");

  // The developer fixed it: 住建局 asks for the re-inspection of that item.
  send_accepted(*zjj, "FJ-1", "utilities.reinspection", "jinxiu",
           {{"acceptance_id", "ZJJ-YS-2026-007"}, {"items", {"fire_facilities"}}, {"remarks", "消防栓已接通"}});
  const Json again = delivery_of(*fire, "utilities.acceptance_item", [](const Json& p) { return p["round"] == 2; });
  CHECK(again["payload"]["item"] == "fire_facilities");
  final_reply(*fire, again, "F-2", "passed", Json::object());

  const Json completed = delivery_of(*zjj, "utilities.acceptance_result");
  CHECK(completed["payload"]["status"] == "completed");
  CHECK(completed["payload"]["acceptance_case"] == acceptance_case);
  REQUIRE(completed["payload"]["items"].size() == 4);
  for (const auto& item : completed["payload"]["items"]) CHECK(item["verdict"] == "passed");
  CHECK(query_one(d, "SELECT value->>'status' FROM plugin_state WHERE plugin = 'utilities' AND key = 'acceptance/" +
                         std::to_string(acceptance_case) + "'") == "completed");
}

TEST_CASE("a company leaves without successor: the 镇街 approves, utilities take over, and from the exit date the "
          "registry's fee check goes to the 镇街 in custody", "[utilities][e2e]") {
  TestDeployment d;
  InProcessHub hub(d);
  auto company = d.client("pm.anju");
  auto subdistrict = d.client("sd.huizhou");
  auto registry = d.client("registry");
  std::map<std::string, std::unique_ptr<UnitClient>> utilities;
  for (const char* unit : {"water", "power", "heating", "gas"}) utilities[unit] = d.client(unit);
  for (auto* c : {company.get(), subdistrict.get(), registry.get()}) c->hello();
  for (auto& [unit, c] : utilities) c->hello();

  const std::string exit_date = hub::utilities::local_date(hub.clock().now() + std::chrono::hours(24 * 3));
  const std::string notice_date = hub::utilities::local_date(hub.clock().now() - std::chrono::hours(24 * 30));

  // pm.anju does not serve jinxiu: that exit is recorded but cannot take effect.
  send_accepted(*company, "TC-0", "utilities.company_exit", "jinxiu",
           {{"reason", "经营调整"}, {"exit_date", exit_date}, {"written_notice_on", notice_date}});
  const Json invalid = delivery_of(*company, "utilities.exit_invalid");
  CHECK_THAT(invalid["payload"]["reason"].get<std::string>(), Catch::Contains("not the property company of compound jinxiu"));

  const Json exit = send_accepted(*company, "TC-1", "utilities.company_exit", "huimin",
                             {{"reason", "合同到期，业主大会决定不再续聘"},
                              {"exit_date", exit_date},
                              {"written_notice_on", notice_date},
                              {"successor", ""}});
  std::map<std::string, bool> receivers;
  for (const auto& r : exit["deliveries"]) receivers[r["to"].get<std::string>()] = r["notice"].get<bool>();
  CHECK(receivers == std::map<std::string, bool>{{"sd.huizhou", false}, {"team.huimin", true},
                                                 {"zg.zone06", true}, {"community.huimin", true}});

  // Before the 镇街 decides nothing changes: the fee check goes to the company.
  const Json fee_check = {{"dwelling", "2-1-302"}, {"seller", "王某"}, {"buyer", "李某"}, {"application_id", "BDC-2026-0042"}};
  CHECK(send_accepted(*registry, "FC-0", "registry.fee_check", "huimin", fee_check)["deliveries"][0]["to"] == "pm.anju");

  const Json approval = delivery_of(*subdistrict, "utilities.company_exit");
  final_reply(*subdistrict, approval, "SP-1", "approved", {{"remarks", "同意退出，由街道临时托管"}});
  auto forwarded = company->wait_for([](const Json& j) { return j.value("kind", "") == "reply"; });
  REQUIRE(forwarded);
  CHECK((*forwarded)["outcome"] == "approved");

  const Json notice = delivery_of(*company, "utilities.exit_public_notice");
  CHECK(notice["payload"]["custodian"] == "sd.huizhou");
  CHECK(notice["payload"]["exit_date"] == exit_date);
  for (auto& [unit, c] : utilities) {
    INFO(unit);
    const Json handover = delivery_of(*c, "utilities.handover");
    CHECK(handover["payload"]["kind"] == "meters_accounts");
    CHECK(handover["payload"]["receiver"] == "sd.huizhou");
    final_reply(*c, handover, unit + "-H", "done", {{"readings", {unit + "总表读数已确认"}}});
  }
  const Json keys = delivery_of(*subdistrict, "utilities.handover");
  CHECK(keys["payload"]["kind"] == "keys_drawings");
  final_reply(*subdistrict, keys, "SD-H", "done", {{"received", {"钥匙", "竣工图纸", "业主档案"}}});
  const Json handed_over = delivery_of(*subdistrict, "utilities.handover_result");
  CHECK(handed_over["payload"]["status"] == "completed");
  CHECK(handed_over["payload"]["handovers"].size() == 5);

  CHECK(query_one(d, "SELECT string_agg(field || '=' || value, ',' ORDER BY field) FROM directory_overrides "
                     "WHERE compound = 'huimin'") == "company=,custodian=sd.huizhou");
  CHECK(send_accepted(*registry, "FC-1", "registry.fee_check", "huimin", fee_check)["deliveries"][0]["to"] == "pm.anju");

  // Past the exit date the directory's next refresh (about every second) puts
  // the compound in the 镇街's custody.
  hub.clock().advance(std::chrono::hours(24 * 4));
  std::string servicer;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  for (int n = 0; servicer != "sd.huizhou" && std::chrono::steady_clock::now() < deadline; ++n) {
    const Json answer = send_accepted(*registry, "FC-2-" + std::to_string(n), "registry.fee_check", "huimin", fee_check);
    servicer = answer["deliveries"][0]["to"].get<std::string>();
    if (servicer != "sd.huizhou") std::this_thread::sleep_for(std::chrono::milliseconds(200));  // next look
  }
  CHECK(servicer == "sd.huizhou");
  const Json custody = delivery_of(*subdistrict, "registry.fee_check");
  CHECK(custody["origin"] == "registry");
  CHECK(custody["compound"] == "huimin");
}
