#include <catch2/catch.hpp>

#include "generic_plugin.h"

using hub::Json;

namespace {

hub::generic::GenericPlugin configured() {
  hub::generic::GenericPlugin p;
  Json settings = Json::parse(R"({"case_types": {"registry.fee_check": {
      "name": "物业费结清查询", "sign_limit": "2h", "resolve_limit": "1wd",
      "fields": {"dwelling": {"type": "string", "required": true},
                 "application_id": {"type": "string", "required": true},
                 "area": {"type": "number"}}}}})");
  REQUIRE(p.configure(settings).ok());
  return p;
}

hub::CaseView fee_check(Json payload) {
  hub::CaseView c;
  c.type = "registry.fee_check";
  c.payload = std::move(payload);
  return c;
}

}  // namespace

TEST_CASE("generic plugin declares the configured case types with their limits", "[generic]") {
  auto p = configured();
  auto types = p.case_types();
  REQUIRE(types.size() == 1);
  CHECK(types[0].id == "registry.fee_check");
  CHECK(types[0].display_name == "物业费结清查询");
  CHECK(types[0].sign_limit == "2h");
  CHECK(types[0].resolve_limit == "1wd");
}

TEST_CASE("a valid payload has no problems", "[generic]") {
  auto p = configured();
  CHECK(p.validate(fee_check({{"dwelling", "3-2-501"}, {"application_id", "A1"}, {"area", 88.5}})).empty());
}

TEST_CASE("every bad field is listed at once, by JSON pointer", "[generic]") {
  auto p = configured();
  auto problems = p.validate(fee_check({{"dwelling", 42}, {"area", "big"}}));
  REQUIRE(problems.size() == 3);
  std::map<std::string, std::string> by_pointer;
  for (auto& pr : problems) by_pointer[pr.pointer] = pr.reason;
  CHECK(by_pointer.at("/dwelling") == "must be a string");
  CHECK(by_pointer.at("/application_id") == "required string is missing");
  CHECK(by_pointer.at("/area") == "must be a number");
}

TEST_CASE("dates and months are checked, not only their being strings", "[generic]") {
  hub::generic::GenericPlugin p;
  REQUIRE(p.configure(Json::parse(R"({"case_types": {"x.d": {"name": "日期", "fields": {
      "on": {"type": "date", "required": true}, "period": {"type": "month"}}}}})")).ok());
  hub::CaseView c;
  c.type = "x.d";
  c.payload = {{"on", "2026-02-29"}, {"period", "2026-13"}};
  auto problems = p.validate(c);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].pointer == "/on");
  CHECK_THAT(problems[0].reason, Catch::Contains("YYYY-MM-DD"));
  CHECK(problems[1].pointer == "/period");
  c.payload = {{"on", "2028-02-29"}, {"period", "2026-12"}};
  CHECK(p.validate(c).empty());
}

TEST_CASE("a payload that is not an object is one problem at the root", "[generic]") {
  auto p = configured();
  auto problems = p.validate(fee_check(Json::array({1, 2})));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].pointer.empty());
}

TEST_CASE("bad settings are refused with the case type and field named", "[generic]") {
  hub::generic::GenericPlugin p;
  auto s = p.configure(Json::parse(R"({"case_types": {"x.y": {"name": "甲", "fields": {"f": {"type": "when"}}}}})"));
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.message(), Catch::Contains("x.y") && Catch::Contains("field f") && Catch::Contains("'when'"));
  auto unnamed = p.configure(Json::parse(R"({"case_types": {"x.z": {}}})"));
  REQUIRE_FALSE(unnamed.ok());
  CHECK_THAT(unnamed.message(), Catch::Contains("x.z") && Catch::Contains("name"));
}
