// The versioned price tables and the price check.
#include <catch2/catch.hpp>

#include "payloads.h"
#include "price_tables.h"

using namespace market_test;
using namespace hub::market;

namespace {

Json version(const std::string& from, std::vector<std::string> fee_names) {
  Json items = Json::array();
  for (const auto& n : fee_names) items.push_back(fee_item(n, 1));
  return {{"effective_from", from}, {"fee_items", items}};
}

}  // namespace

TEST_CASE("the version in force is the latest that started, the later recorded among equals", "[market][tables]") {
  std::optional<Json> table;
  CHECK_FALSE(in_force(table, "2026-03-01"));
  table = add_version(table, version("2026-07-01", {"b"}));
  table = add_version(table, version("2026-01-01", {"a"}));
  CHECK_FALSE(in_force(table, "2025-12-31"));
  CHECK((*in_force(table, "2026-01-01"))["fee_items"][0]["name"] == "a");
  CHECK((*in_force(table, "2026-06-30"))["fee_items"][0]["name"] == "a");
  CHECK((*in_force(table, "2026-07-01"))["fee_items"][0]["name"] == "b");
  table = add_version(table, version("2026-01-01", {"c"}));
  CHECK((*in_force(table, "2026-03-01"))["fee_items"][0]["name"] == "c");
  CHECK((*table)["versions"].size() == 3);  // history is kept
}

TEST_CASE("fee items published during a half year are those of every version in force within it", "[market][tables]") {
  std::optional<Json> table;
  CHECK(fee_names_between(table, "2026-01-01", "2026-06-30").empty());
  table = add_version(table, version("2025-06-01", {"old"}));
  table = add_version(table, version("2026-03-01", {"spring"}));
  table = add_version(table, version("2026-03-01", {"spring2"}));  // replaces "spring" the same day
  table = add_version(table, version("2026-08-01", {"autumn"}));
  CHECK(fee_names_between(table, "2026-01-01", "2026-06-30") == std::set<std::string>{"old", "spring2"});
  CHECK(fee_names_between(table, "2026-07-01", "2026-12-31") == std::set<std::string>{"spring2", "autumn"});
  CHECK(fee_names_between(table, "2025-01-01", "2025-05-31").empty());
  CHECK(half_year_days("2026-H1") == std::pair<std::string, std::string>{"2026-01-01", "2026-06-30"});
  CHECK(half_year_days("2026-H2") == std::pair<std::string, std::string>{"2026-07-01", "2026-12-31"});
}

TEST_CASE("a fee list is checked item by item against the guided maxima", "[market][tables]") {
  const Json guided = guided_payload()["items"];
  const Json fees = Json::array({fee_item("物业服务费", 1.85), fee_item("电梯运行维护费", 0.30),
                                 fee_item("停车管理费", 80, "元/车位·月"), fee_item("电梯运行维护费2", 1)});
  Json fees_other_unit = fees;
  fees_other_unit[1]["unit"] = "元/户·月";
  const auto check = check_against_guided(fees_other_unit, &guided);
  REQUIRE(check.above_guided.size() == 1);
  CHECK(check.above_guided[0] ==
        Json({{"fee_item", "物业服务费"}, {"price_yuan", 1.85}, {"max_price_yuan", 1.80}, {"unit", "元/㎡·月"}}));
  CHECK(check.unguided == Json::array({"停车管理费", "电梯运行维护费2"}));
  CHECK(check.other_unit ==
        Json::array({{{"fee_item", "电梯运行维护费"}, {"unit", "元/户·月"}, {"guided_unit", "元/㎡·月"}}}));

  CHECK(check_against_guided(fees, &guided).above_guided.size() == 1);  // equal to the maximum is fine
  const auto none = check_against_guided(fees, nullptr);
  CHECK(none.above_guided.empty());
  CHECK(none.unguided.size() == 4);
}

TEST_CASE("local dates are Xinhui's (UTC+8)", "[market][tables]") {
  using namespace std::chrono;
  const auto midnight_utc = sys_days{year{2026} / 3 / 31};
  CHECK(local_date(midnight_utc + hours(15) + minutes(59)) == "2026-03-31");
  CHECK(local_date(midnight_utc + hours(16)) == "2026-04-01");
  CHECK(local_date(sys_days{year{2026} / 12 / 31} + hours(16)) == "2027-01-01");
}
