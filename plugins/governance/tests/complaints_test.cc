// complaint.general: the category must be a configured one; the route by
// category is config (see config_test.cc and e2e_test.cc).
#include <catch2/catch.hpp>

#include "case_types.h"
#include "test_settings.h"

using namespace hub::governance;
using namespace hub::governance::testing;
using hub::Json;

TEST_CASE("a complaint with a known category is valid", "[governance][complaint]") {
  const auto plugin = configured();
  for (const char* category : {"sanitation", "service", "illegal_construction", "fire_safety", "water", "noise"}) {
    INFO(category);
    CHECK(plugin.validate(make_case(kComplaint, "sd.xinzhou", "jinxiu", {{"category", category}, {"description", "垃圾未清运"}}))
              .empty());
  }
}

TEST_CASE("an unknown category is rejected, listing the known ones", "[governance][complaint]") {
  const auto plugin = configured();
  const auto problems =
      plugin.validate(make_case(kComplaint, "community.jianshe", "jinxiu", {{"category", "ghosts"}, {"description", "闹鬼"}}));
  REQUIRE(pointers(problems) == std::set<std::string>{"/category"});
  const std::string reason = reason_at(problems, "/category");
  CHECK_THAT(reason, Catch::Contains("unknown category 'ghosts'") && Catch::Contains("sanitation (环境卫生和市容)") &&
                         Catch::Contains("service (物业服务)") && Catch::Contains("illegal_construction (私搭乱建)"));
}

TEST_CASE("the category table comes from the settings", "[governance][complaint]") {
  const auto plugin = configured({{"complaint_categories", {{"lifts", "电梯故障"}}}});
  CHECK(plugin.validate(make_case(kComplaint, "sd.xinzhou", "jinxiu", {{"category", "lifts"}, {"description", "电梯停运"}})).empty());
  const auto problems =
      plugin.validate(make_case(kComplaint, "sd.xinzhou", "jinxiu", {{"category", "sanitation"}, {"description", "x"}}));
  CHECK(reason_at(problems, "/category") == "unknown category 'sanitation'; known categories: lifts (电梯故障)");
}

TEST_CASE("a complaint needs its fields and a compound, and a committee complains for its own compound",
          "[governance][complaint]") {
  const auto plugin = configured();
  auto problems = plugin.validate(make_case(kComplaint, "sd.xinzhou", "", {{"category", 7}, {"location", "3号楼"}}));
  CHECK(pointers(problems) == std::set<std::string>{"", "/category", "/description"});
  CHECK(reason_at(problems, "/category") == "must be a string");
  CHECK(reason_at(problems, "/description") == "required string is missing");
  CHECK_THAT(reason_at(problems, ""), Catch::Contains("must name its compound"));

  CHECK(plugin.validate(make_case(kComplaint, "oc.xinzhou", "xinzhou", {{"category", "service"}, {"description", "x"}})).empty());
  problems = plugin.validate(make_case(kComplaint, "oc.xinzhou", "jinxiu", {{"category", "service"}, {"description", "x"}}));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].reason == "the owners' committee oc.xinzhou acts for compound 'xinzhou' only, not for 'jinxiu'");
}
