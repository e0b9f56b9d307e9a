// The joint acceptance as hook logic, on a RecordingContext: item fan-out,
// verdicts, results and re-inspection.
#include <catch2/catch.hpp>

#include <map>
#include <tuple>

#include "acceptance.h"
#include "plugin_test_support.h"

using hub::Json;
using hub::FollowUpCase;
using namespace utilities_test;

namespace {

constexpr hub::CaseId kAcceptance = 100;

Json acceptance_payload(Json items = nullptr) {
  Json p = {{"acceptance_id", "ZJJ-YS-2026-007"},
            {"project", "锦绣花园二期"},
            {"developer", "敖汉旗锦绣房地产开发有限公司"},
            {"requested_on", "2026-03-01"}};
  if (!items.is_null()) p["items"] = std::move(items);
  return p;
}

// The item cases raised, by item id.
std::map<std::string, FollowUpCase> items_by_id(const hub::plugin_testing::RecordingContext& ctx) {
  std::map<std::string, FollowUpCase> out;
  for (const auto& f : ctx.raised_of("utilities.acceptance_item")) out[f.payload["item"].get<std::string>()] = f;
  return out;
}

// Hands the plugin the final reply of `unit` to the item case `f`, stored as case `id`.
void verdict(hub::utilities::UtilitiesPlugin& plugin, hub::plugin_testing::RecordingContext& ctx, hub::CaseId id,
             const FollowUpCase& f, const std::string& outcome, Json body = Json::object()) {
  static std::int64_t reply_id = 500;
  ctx.current_case = id;
  REQUIRE(plugin.on_reply(ctx, as_case(id, f), final_reply(++reply_id, f.to.at(0), outcome, std::move(body))).ok());
}

Json state(hub::plugin_testing::RecordingContext& ctx) {
  return ctx.load_global(hub::utilities::acceptance_key(kAcceptance)).value_or(nullptr);
}

}  // namespace

TEST_CASE("a joint acceptance sends each checklist item to its responsible unit", "[utilities][acceptance]") {
  auto plugin = configured_plugin();
  auto ctx = context();
  ctx.current_case = kAcceptance;
  REQUIRE(plugin.on_accepted(ctx, make_case(kAcceptance, "utilities.joint_acceptance", "zjj", "jinxiu",
                                            acceptance_payload())).ok());
  CHECK(invalid_follow_ups(plugin, ctx).empty());
  const auto items = items_by_id(ctx);
  REQUIRE(items.size() == 20);
  REQUIRE(ctx.raised.size() == 20);  // nothing else: no result before any verdict
  const std::map<std::string, std::string> expected = {
      {"water_network", "water"},   {"power_network", "power"},   {"gas_network", "gas"},
      {"heating_network", "heating"}, {"fire_facilities", "fire"}, {"cable_tv", "cable"},
      {"telecom_mobile", "telecom.mobile"}, {"telecom_unicom", "telecom.unicom"}, {"telecom_telecom", "telecom.telecom"},
      {"pm_rooms", "zrzy"},         {"activity_rooms", "zrzy"},   {"sanitation", "cgj"},
      {"post", "sd.xinzhou"}};  // "compound.subdistrict", resolved for jinxiu
  for (const auto& [id, unit] : expected) {
    INFO(id);
    REQUIRE(items.count(id) == 1);
    CHECK(items.at(id).to == std::vector<std::string>{unit});
  }
  for (const auto& [id, f] : items) {
    INFO(id);
    CHECK(f.cc.empty());
    CHECK(f.compound == "jinxiu");
    CHECK(f.payload["acceptance_case"] == kAcceptance);
    CHECK(f.payload["acceptance_id"] == "ZJJ-YS-2026-007");
    CHECK(f.payload["round"] == 1);
    CHECK_FALSE(f.payload["item_name"].get<std::string>().empty());
  }
  CHECK(items.at("fire_facilities").payload["item_name"] == "消防设施");
  const Json s = state(ctx);
  CHECK(s["status"] == "open");
  CHECK(s["subdistrict"] == "sd.xinzhou");
  CHECK(s["items"].size() == 20);
  CHECK(ctx.load_global(hub::utilities::acceptance_index_key("ZJJ-YS-2026-007")) == Json(kAcceptance));
}

TEST_CASE("an acceptance of chosen items inspects only those", "[utilities][acceptance]") {
  auto plugin = configured_plugin();
  auto ctx = context();
  REQUIRE(plugin.on_accepted(ctx, make_case(kAcceptance, "utilities.joint_acceptance", "zjj", "huimin",
                                            acceptance_payload({"post", "lifts"}))).ok());
  const auto items = items_by_id(ctx);
  REQUIRE(items.size() == 2);
  CHECK(items.at("post").to == std::vector<std::string>{"sd.huizhou"});
  CHECK(items.at("lifts").to == std::vector<std::string>{"market"});
}

TEST_CASE("every item passed: the acceptance is completed, and only then", "[utilities][acceptance]") {
  auto plugin = configured_plugin();
  auto ctx = context();
  REQUIRE(plugin.on_accepted(ctx, make_case(kAcceptance, "utilities.joint_acceptance", "zjj", "jinxiu",
                                            acceptance_payload({"water_network", "fire_facilities", "post"}))).ok());
  const auto items = items_by_id(ctx);
  ctx.raised.clear();
  verdict(plugin, ctx, 201, items.at("water_network"), "passed", {{"remarks", "水压正常"}});
  // A progress note decides nothing.
  ctx.current_case = 202;
  REQUIRE(plugin.on_reply(ctx, as_case(202, items.at("fire_facilities")), progress_reply(900, "fire", {{"note", "检查中"}})).ok());
  verdict(plugin, ctx, 203, items.at("post"), "passed");
  CHECK(ctx.raised.empty());
  CHECK(state(ctx)["status"] == "open");

  verdict(plugin, ctx, 202, items.at("fire_facilities"), "passed");
  REQUIRE(ctx.raised.size() == 1);
  const FollowUpCase& result = ctx.raised[0];
  CHECK(invalid_follow_ups(plugin, ctx).empty());
  CHECK(result.type == "utilities.acceptance_result");
  CHECK(result.to.empty());
  CHECK(result.cc == std::vector<std::string>{"zjj", "sd.xinzhou"});
  CHECK(result.compound == "jinxiu");
  CHECK(result.payload["status"] == "completed");
  CHECK(result.payload["acceptance_case"] == kAcceptance);
  REQUIRE(result.payload["items"].size() == 3);
  for (const auto& item : result.payload["items"]) CHECK(item["verdict"] == "passed");
  CHECK_FALSE(result.payload.contains("failed"));
  CHECK(state(ctx)["status"] == "completed");
}

TEST_CASE("one failed item fails the acceptance, naming the item, its unit, defects and who must act, "
          "its re-inspection completes it", "[utilities][acceptance]") {
  auto plugin = configured_plugin();
  auto ctx = context();
  ctx.current_case = kAcceptance;
  REQUIRE(plugin.on_accepted(ctx, make_case(kAcceptance, "utilities.joint_acceptance", "zjj", "jinxiu",
                                            acceptance_payload({"water_network", "fire_facilities", "post"}))).ok());
  const auto items = items_by_id(ctx);
  ctx.raised.clear();
  verdict(plugin, ctx, 201, items.at("water_network"), "passed");
  verdict(plugin, ctx, 202, items.at("fire_facilities"), "failed",
          {{"defects", {"3号楼消防栓无水", "地下车库喷淋未接通"}}, {"must_act", "developer"}});
  CHECK(ctx.raised.empty());
  verdict(plugin, ctx, 203, items.at("post"), "passed");
  REQUIRE(ctx.raised.size() == 1);
  const Json failed_result = ctx.raised[0].payload;
  CHECK(failed_result["status"] == "failed");
  REQUIRE(failed_result["failed"].size() == 1);
  const Json& failed = failed_result["failed"][0];
  CHECK(failed["item"] == "fire_facilities");
  CHECK(failed["item_name"] == "消防设施");
  CHECK(failed["unit"] == "fire");
  CHECK(failed["defects"] == Json({"3号楼消防栓无水", "地下车库喷淋未接通"}));
  CHECK(failed["must_act"] == "developer");
  CHECK(failed_result["items"].size() == 3);
  CHECK(state(ctx)["status"] == "failed");

  // A second final verdict on a decided round changes nothing.
  ctx.raised.clear();
  verdict(plugin, ctx, 202, items.at("fire_facilities"), "passed");
  CHECK(ctx.raised.empty());
  CHECK(state(ctx)["items"]["fire_facilities"]["verdict"] == "failed");

  // Re-inspection of the failed item: round 2 goes to the same unit.
  const hub::CaseId reinspection = 300;
  ctx.current_case = reinspection;
  REQUIRE(plugin.on_accepted(ctx, make_case(reinspection, "utilities.reinspection", "zjj", "jinxiu",
                                            {{"acceptance_id", "ZJJ-YS-2026-007"}, {"items", {"fire_facilities"}}})).ok());
  REQUIRE(ctx.raised.size() == 1);
  const FollowUpCase round2 = ctx.raised[0];
  CHECK(round2.type == "utilities.acceptance_item");
  CHECK(round2.to == std::vector<std::string>{"fire"});
  CHECK(round2.payload["round"] == 2);
  CHECK(round2.payload["item"] == "fire_facilities");
  CHECK(round2.payload["acceptance_case"] == kAcceptance);
  CHECK(invalid_follow_ups(plugin, ctx).empty());
  CHECK(state(ctx)["status"] == "open");

  // A late verdict for round 1 is history; the round-2 verdict decides.
  ctx.raised.clear();
  verdict(plugin, ctx, 202, items.at("fire_facilities"), "passed");
  CHECK(ctx.raised.empty());
  verdict(plugin, ctx, 301, round2, "passed", {{"remarks", "整改完毕"}});
  REQUIRE(ctx.raised.size() == 1);
  CHECK(ctx.raised[0].payload["status"] == "completed");
  CHECK(ctx.raised[0].cc == std::vector<std::string>{"zjj", "sd.xinzhou"});
  const Json s = state(ctx);
  CHECK(s["status"] == "completed");
  CHECK(s["items"]["fire_facilities"]["round"] == 2);
  CHECK(s["items"]["fire_facilities"]["history"].size() == 2);
}

TEST_CASE("a reinspection of items that did not fail is reported back, not crashed on", "[utilities][acceptance]") {
  auto plugin = configured_plugin();
  auto ctx = context();
  REQUIRE(plugin.on_accepted(ctx, make_case(kAcceptance, "utilities.joint_acceptance", "zjj", "jinxiu",
                                            acceptance_payload({"water_network", "fire_facilities", "roads"}))).ok());
  const auto items = items_by_id(ctx);
  verdict(plugin, ctx, 201, items.at("water_network"), "passed");
  verdict(plugin, ctx, 202, items.at("fire_facilities"), "failed", {{"defects", {"消防通道被占"}}, {"must_act", "cgj"}});
  ctx.raised.clear();

  ctx.current_case = 300;
  REQUIRE(plugin.on_accepted(ctx, make_case(300, "utilities.reinspection", "zjj", "jinxiu",
                                            {{"acceptance_id", "ZJJ-YS-2026-007"},
                                             {"items", {"water_network", "roads", "lifts", "fire_facilities"}}})).ok());
  CHECK(invalid_follow_ups(plugin, ctx).empty());
  REQUIRE(ctx.raised_of("utilities.acceptance_item").size() == 1);
  CHECK(ctx.raised_of("utilities.acceptance_item")[0].payload["item"] == "fire_facilities");
  const auto notices = ctx.raised_of("utilities.acceptance_result");
  REQUIRE(notices.size() == 1);
  CHECK(notices[0].cc == std::vector<std::string>{"zjj"});
  CHECK(notices[0].payload["status"] == "reinspection_refused");
  CHECK(notices[0].payload["reinspection_case"] == 300);
  const Json& refused = notices[0].payload["refused"];
  REQUIRE(refused.size() == 3);
  CHECK(refused[0] == Json({{"item", "water_network"}, {"reason", "already passed"}}));
  CHECK(refused[1] == Json({{"item", "roads"}, {"reason", "round 1 has no verdict yet"}}));
  CHECK(refused[2] == Json({{"item", "lifts"}, {"reason", "not an item of acceptance ZJJ-YS-2026-007"}}));

  // An unknown acceptance, or one of another compound: every item comes back.
  for (const auto& [compound, acceptance, reason] :
       {std::tuple{"jinxiu", "NO-SUCH", "no joint acceptance NO-SUCH was opened"},
        std::tuple{"huimin", "ZJJ-YS-2026-007", "acceptance ZJJ-YS-2026-007 concerns compound jinxiu, not huimin"}}) {
    ctx.raised.clear();
    ctx.current_case = 301;
    REQUIRE(plugin.on_accepted(ctx, make_case(301, "utilities.reinspection", "zjj", compound,
                                              {{"acceptance_id", acceptance}, {"items", {"fire_facilities"}}})).ok());
    REQUIRE(ctx.raised.size() == 1);
    CHECK(invalid_follow_ups(plugin, ctx).empty());
    CHECK(ctx.raised[0].payload["refused"] == Json::array({{{"item", "fire_facilities"}, {"reason", reason}}}));
  }
  CHECK(state(ctx)["items"]["fire_facilities"]["round"] == 2);
}

TEST_CASE("an acceptance that cannot be opened says why and sends no items", "[utilities][acceptance]") {
  SECTION("its id is taken by an earlier acceptance") {
    auto plugin = configured_plugin();
    auto ctx = context();
    REQUIRE(plugin.on_accepted(ctx, make_case(kAcceptance, "utilities.joint_acceptance", "zjj", "jinxiu",
                                              acceptance_payload({"roads"}))).ok());
    ctx.raised.clear();
    REQUIRE(plugin.on_accepted(ctx, make_case(101, "utilities.joint_acceptance", "zjj", "jinxiu",
                                              acceptance_payload({"roads"}))).ok());
    REQUIRE(ctx.raised.size() == 1);
    CHECK(invalid_follow_ups(plugin, ctx).empty());
    CHECK(ctx.raised[0].payload["status"] == "not_opened");
    CHECK(ctx.raised[0].payload["reason"] == "acceptance id ZJJ-YS-2026-007 is already used by case 100");
    CHECK(ctx.load_global(hub::utilities::acceptance_index_key("ZJJ-YS-2026-007")) == Json(kAcceptance));
  }
  SECTION("no unit holds an item's role at the compound") {
    auto plugin = configured_plugin({{"checklist", {{"roads", {{"name", "道路"}, {"unit", "zjj"}}},
                                                    {"doors", {{"name", "单元门"}, {"unit", "compound.team"}}}}}});
    auto ctx = context();
    REQUIRE(plugin.on_accepted(ctx, make_case(kAcceptance, "utilities.joint_acceptance", "zjj", "beicheng",
                                              acceptance_payload())).ok());
    REQUIRE(ctx.raised.size() == 1);
    CHECK(ctx.raised[0].cc == std::vector<std::string>{"zjj", "town.xinhui"});
    CHECK(ctx.raised[0].payload["reason"] ==
          "no unit holds the responsible role at compound beicheng for: doors (compound.team)");
    CHECK(state(ctx)["status"] == "not_opened");
  }
}
