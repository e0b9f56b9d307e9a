// The utilities plugin's settings and its pure rules: payloads at intake and
// replies before they are stored.
#include <catch2/catch.hpp>

#include "case_types.h"
#include "plugin_test_support.h"
#include "settings.h"

using hub::Json;
using namespace utilities_test;
namespace u = hub::utilities;

namespace {

Json acceptance_payload() {
  return {{"acceptance_id", "ZJJ-YS-2026-007"},
          {"project", "锦绣花园二期"},
          {"developer", "敖汉旗锦绣房地产开发有限公司"},
          {"requested_on", "2026-03-01"}};
}

Json exit_payload() {
  return {{"reason", "合同到期不再续签"}, {"exit_date", "2026-04-01"}, {"written_notice_on", "2026-02-20"}};
}

std::string configure_error(const Json& settings) {
  u::UtilitiesPlugin plugin;
  const hub::Status s = plugin.configure(settings);
  return s.ok() ? std::string() : s.message();
}

}  // namespace

TEST_CASE("the default checklist names every item of the policy with a responsible unit", "[utilities][settings]") {
  u::Settings settings;
  REQUIRE(u::parse_settings(Json::object(), settings).ok());
  CHECK(settings.checklist.size() == 20);
  for (const char* id : {"charging_piles", "greening", "sanitation", "water_network", "power_network", "gas_network",
                         "fire_facilities", "pm_rooms", "activity_rooms", "heating_network", "cable_tv", "telecom_mobile",
                         "telecom_unicom", "telecom_telecom", "post", "street_lights", "roads", "drainage", "lifts",
                         "security"}) {
    INFO(id);
    REQUIRE(settings.checklist.count(id) == 1);
    CHECK_FALSE(settings.checklist.at(id).name.empty());
    CHECK_FALSE(settings.checklist.at(id).unit.empty());
  }
  CHECK(settings.checklist.at("water_network").unit == "water");
  CHECK(settings.checklist.at("fire_facilities").unit == "fire");
  CHECK(settings.checklist.at("post").unit == "compound.subdistrict");
  CHECK(settings.utility_units == std::vector<std::string>{"water", "power", "heating", "gas"});
}

TEST_CASE("settings without a name or unit, with unknown roles or repeated utilities are refused", "[utilities][settings]") {
  CHECK(configure_error({{"checklist", {{"roads", {{"unit", "zjj"}}}}}}) ==
        "bad settings:\n  - checklist item 'roads': 'name' (the Chinese name) is required");
  CHECK(configure_error({{"checklist", {{"roads", {{"name", "道路"}}}}}}) ==
        "bad settings:\n  - checklist item 'roads': 'unit' (the responsible unit) is required");
  CHECK_THAT(configure_error({{"checklist", {{"roads", {{"name", "道路"}, {"unit", "compound.mayor"}}}}}}),
             Catch::Contains("checklist item 'roads': unknown role 'compound.mayor'") &&
                 Catch::Contains("compound.subdistrict"));
  CHECK_THAT(configure_error({{"checklist", {{"roads", {{"name", "道路"}, {"unit", "zjj"}, {"owner", "x"}}}}}}),
             Catch::Contains("unknown key 'owner'"));
  CHECK_THAT(configure_error({{"checklist", Json::object()}}), Catch::Contains("checklist: must be a non-empty map"));
  CHECK_THAT(configure_error({{"utility_units", {"water", "water"}}}), Catch::Contains("\"water\" is listed twice"));
  CHECK_THAT(configure_error({{"utility_units", {"compound.servicer"}}}), Catch::Contains("is not a unit id"));
  // Two bad entries: both are named.
  const std::string both = configure_error(
      {{"checklist", {{"a", {{"name", "甲"}}}, {"b", {{"unit", "zjj"}}}}}});
  CHECK_THAT(both, Catch::Contains("'a': 'unit'") && Catch::Contains("'b': 'name'"));
}

TEST_CASE("a joint acceptance needs its fields, its compound and known checklist items", "[utilities][validate]") {
  const auto plugin = configured_plugin();
  CHECK(plugin.validate(make_case(0, "utilities.joint_acceptance", "zjj", "jinxiu", acceptance_payload())).empty());

  auto problems = plugin.validate(make_case(0, "utilities.joint_acceptance", "zjj", "", Json::object()));
  INFO(listing(problems));
  CHECK(problems.size() == 5);
  CHECK(has_problem(problems, "/acceptance_id", "required"));
  CHECK(has_problem(problems, "/project", "required"));
  CHECK(has_problem(problems, "/developer", "required"));
  CHECK(has_problem(problems, "/requested_on", "required date"));
  CHECK(has_problem(problems, "", "must name its compound"));

  Json payload = acceptance_payload();
  payload["requested_on"] = "2026-02-30";
  payload["items"] = {"water_network", "swimming_pool", "water_network", 7};
  problems = plugin.validate(make_case(0, "utilities.joint_acceptance", "zjj", "jinxiu", payload));
  INFO(listing(problems));
  CHECK(problems.size() == 4);
  CHECK(has_problem(problems, "/requested_on", "must be a date"));
  CHECK(has_problem(problems, "/items/1", "unknown checklist item 'swimming_pool'"));
  CHECK(has_problem(problems, "/items/2", "listed twice"));
  CHECK(has_problem(problems, "/items/3", "must be a checklist item id"));

  payload = acceptance_payload();
  payload["items"] = Json::array();
  problems = plugin.validate(make_case(0, "utilities.joint_acceptance", "zjj", "jinxiu", payload));
  REQUIRE(problems.size() == 1);
  CHECK(has_problem(problems, "/items", "at least one"));
}

TEST_CASE("a reinspection names an acceptance and known items", "[utilities][validate]") {
  const auto plugin = configured_plugin();
  CHECK(plugin.validate(make_case(0, "utilities.reinspection", "zjj", "jinxiu",
                                  {{"acceptance_id", "A-1"}, {"items", {"fire_facilities"}}}))
            .empty());
  auto problems = plugin.validate(make_case(0, "utilities.reinspection", "zjj", "jinxiu", {{"items", {"moat"}}}));
  INFO(listing(problems));
  CHECK(problems.size() == 2);
  CHECK(has_problem(problems, "/acceptance_id", "required"));
  CHECK(has_problem(problems, "/items/0", "unknown checklist item 'moat'"));
  problems = plugin.validate(make_case(0, "utilities.reinspection", "zjj", "jinxiu", {{"acceptance_id", "A-1"}}));
  REQUIRE(problems.size() == 1);
  CHECK(has_problem(problems, "/items", "required array"));
}

TEST_CASE("a company's exit needs dates in order, and a successor that is another company", "[utilities][validate]") {
  const auto plugin = configured_plugin();
  CHECK(plugin.validate(make_case(0, "utilities.company_exit", "pm.jinxiu", "jinxiu", exit_payload())).empty());
  Json with_successor = exit_payload();
  with_successor["successor"] = "pm.hengan";
  CHECK(plugin.validate(make_case(0, "utilities.company_exit", "pm.jinxiu", "jinxiu", with_successor)).empty());
  with_successor["successor"] = "";
  CHECK(plugin.validate(make_case(0, "utilities.company_exit", "pm.jinxiu", "jinxiu", with_successor)).empty());

  Json late_notice = exit_payload();
  late_notice["written_notice_on"] = "2026-04-01";
  auto problems = plugin.validate(make_case(0, "utilities.company_exit", "pm.jinxiu", "jinxiu", late_notice));
  REQUIRE(problems.size() == 1);
  CHECK(has_problem(problems, "/written_notice_on", "before the exit date (2026-04-01)"));

  Json bad_successor = exit_payload();
  bad_successor["successor"] = "sd.xinzhou";
  problems = plugin.validate(make_case(0, "utilities.company_exit", "pm.jinxiu", "jinxiu", bad_successor));
  REQUIRE(problems.size() == 1);
  CHECK(has_problem(problems, "/successor", "pm.<name>"));
  bad_successor["successor"] = "pm.jinxiu";
  problems = plugin.validate(make_case(0, "utilities.company_exit", "pm.jinxiu", "jinxiu", bad_successor));
  REQUIRE(problems.size() == 1);
  CHECK(has_problem(problems, "/successor", "cannot succeed itself"));

  problems = plugin.validate(make_case(0, "utilities.company_exit", "sd.xinzhou", "", {{"exit_date", "2026-4-1"}}));
  INFO(listing(problems));
  CHECK(problems.size() == 5);
  CHECK(has_problem(problems, "/reason", "required"));
  CHECK(has_problem(problems, "/exit_date", "must be a date"));
  CHECK(has_problem(problems, "/written_notice_on", "required"));
  CHECK(has_problem(problems, "", "must name its compound"));
  CHECK(has_problem(problems, "", "only a property company"));
}

TEST_CASE("the plugin's own follow-up types cannot come from a unit", "[utilities][validate]") {
  const auto plugin = configured_plugin();
  const Json item = {{"acceptance_case", 5}, {"acceptance_id", "A"}, {"project", "P"}, {"developer", "D"},
                     {"item", "roads"},      {"item_name", "道路"},   {"round", 1}};
  CHECK(plugin.validate(make_case(0, "utilities.acceptance_item", "plugin:utilities", "jinxiu", item)).empty());
  auto problems = plugin.validate(make_case(0, "utilities.acceptance_item", "zjj", "jinxiu", item));
  REQUIRE(problems.size() == 1);
  CHECK(has_problem(problems, "", "raised by the utilities plugin only"));

  problems = plugin.validate(make_case(0, "utilities.acceptance_result", "plugin:utilities", "jinxiu",
                                       {{"acceptance_id", "A"}, {"status", "failed"}}));
  REQUIRE(problems.size() == 1);
  CHECK(has_problem(problems, "/failed", "required, non-empty"));
  problems = plugin.validate(make_case(0, "utilities.handover", "plugin:utilities", "jinxiu",
                                       {{"exit_case", 1}, {"kind", "furniture"}, {"company", "pm.jinxiu"},
                                        {"receiver", "sd.xinzhou"}, {"exit_date", "2026-04-01"}, {"what", {"x"}}}));
  REQUIRE(problems.size() == 1);
  CHECK(has_problem(problems, "/kind", "meters_accounts or keys_drawings"));
  problems = plugin.validate(make_case(0, "registry.fee_check", "registry", "jinxiu", Json::object()));
  REQUIRE(problems.size() == 1);
  CHECK(has_problem(problems, "", "not a utilities type"));
}

TEST_CASE("a verdict on an item is passed, or failed with defects and who must act", "[utilities][reply]") {
  const auto plugin = configured_plugin();
  const std::string type = "utilities.acceptance_item";
  CHECK(plugin.validate_reply(type, final_reply(1, "water", "passed")).empty());
  CHECK(plugin.validate_reply(type, final_reply(1, "water", "passed", {{"remarks", "水压正常"}})).empty());
  CHECK(plugin.validate_reply(type, final_reply(1, "fire", "failed",
                                                {{"defects", {"3号楼消防栓无水"}}, {"must_act", "developer"}}))
            .empty());
  CHECK(plugin.validate_reply(type, progress_reply(1, "fire", {{"note", "已到现场"}})).empty());

  auto problems = plugin.validate_reply(type, final_reply(1, "fire", "done"));
  REQUIRE(problems.size() == 1);
  CHECK(has_problem(problems, "", "must be one of \"passed\", \"failed\", not \"done\""));
  problems = plugin.validate_reply(type, final_reply(1, "fire", "failed"));
  INFO(listing(problems));
  CHECK(problems.size() == 2);
  CHECK(has_problem(problems, "/defects", "required"));
  CHECK(has_problem(problems, "/must_act", "\"developer\" or a unit id"));
  problems = plugin.validate_reply(type, final_reply(1, "fire", "failed", {{"defects", {"ok", ""}}, {"must_act", "water"}}));
  REQUIRE(problems.size() == 1);
  CHECK(has_problem(problems, "/defects/1", "non-empty string"));
  problems = plugin.validate_reply(type, final_reply(1, "fire", "failed", {{"defects", Json::array()}, {"must_act", ""}}));
  CHECK(problems.size() == 2);
  CHECK(has_problem(problems, "/defects", "must not be empty"));
  CHECK(has_problem(problems, "/must_act", "required"));
  problems = plugin.validate_reply(type, final_reply(1, "fire", "passed", {{"defects", {"小问题"}}}));
  REQUIRE(problems.size() == 1);
  CHECK(has_problem(problems, "/defects", "a passed item lists no defects"));
}

TEST_CASE("the 镇街 approves or refuses an exit with a reason, handovers are done with what was taken over",
          "[utilities][reply]") {
  const auto plugin = configured_plugin();
  CHECK(plugin.validate_reply("utilities.company_exit", final_reply(1, "sd.xinzhou", "approved")).empty());
  CHECK(plugin.validate_reply("utilities.company_exit", final_reply(1, "sd.xinzhou", "refused", {{"reason", "未妥善安置"}}))
            .empty());
  auto problems = plugin.validate_reply("utilities.company_exit", final_reply(1, "sd.xinzhou", "refused"));
  REQUIRE(problems.size() == 1);
  CHECK(has_problem(problems, "/reason", "a refusal needs a reason"));
  problems = plugin.validate_reply("utilities.company_exit", final_reply(1, "sd.xinzhou", "done"));
  REQUIRE(problems.size() == 1);
  CHECK(has_problem(problems, "", "\"approved\", \"refused\""));

  const std::string handover = "utilities.handover";
  CHECK(plugin.validate_reply(handover, final_reply(1, "water", "done", {{"readings", {{{"meter", "总表1"}, {"reading", 10234}}}}}))
            .empty());
  CHECK(plugin.validate_reply(handover, final_reply(1, "sd.huizhou", "done", {{"received", {"钥匙128把", "竣工图纸"}}})).empty());
  problems = plugin.validate_reply(handover, final_reply(1, "water", "done"));
  REQUIRE(problems.size() == 1);
  CHECK(has_problem(problems, "", "/readings"));
  problems = plugin.validate_reply(handover, final_reply(1, "water", "done", {{"readings", Json::array()}}));
  REQUIRE(problems.size() == 1);
  CHECK(has_problem(problems, "/readings", "must not be empty"));
  problems = plugin.validate_reply(handover, final_reply(1, "water", "refused"));
  REQUIRE(problems.size() == 1);
  CHECK(has_problem(problems, "/reason", "a refusal needs a reason"));
  // Notices take remarks only; nothing to check.
  CHECK(plugin.validate_reply("utilities.acceptance_result", progress_reply(1, "zjj", {{"note", "已阅"}})).empty());
}
