// plugins/market/price_tables.h: the plugin-wide tables the market plugin
// keeps in the hub's store, and the price checks made against them.
//
// Tables are versioned: {"versions": [v, ...]} in recording order, each
// version with an "effective_from" date. The version in force on a date is the
// one with the latest effective_from not after it (the later recorded among
// equals). Keys:
//   guided/<镇街 unit>/<class>   guided prices a 镇街 set for one class
//   published/<compound>         the compound's published fee list
//   accounts/<compound>          half-year accounts by half ("2026-H1")
// Pure functions: no state of their own.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "hub/plugin.h"

namespace hub::market {

std::string guided_key(const std::string& subdistrict, const std::string& klass);
std::string published_key(const std::string& compound);
std::string accounts_key(const std::string& compound);

// The table with `version` appended (a new table when `table` is absent).
Json add_version(std::optional<Json> table, Json version);
// The version in force on `date` (YYYY-MM-DD), if any.
std::optional<Json> in_force(const std::optional<Json>& table, const std::string& date);
// The names of the fee items of every version in force at some time within
// [from, to] (dates).
std::set<std::string> fee_names_between(const std::optional<Json>& table, const std::string& from,
                                        const std::string& to);

// The element of `items` (an array of objects) whose "name" is `name`;
// nullptr when there is none or `items` is null.
const Json* item_named(const Json* items, const std::string& name);
// The member `key` of a table version, or nullptr.
const Json* member(const std::optional<Json>& version, const char* key);

// A fee list checked against a guided table's items (null: no table).
struct PriceCheck {
  Json above_guided = Json::array();  // [{fee_item, price_yuan, max_price_yuan, unit}]
  Json unguided = Json::array();      // fee item names without a guided entry
  Json other_unit = Json::array();    // [{fee_item, unit, guided_unit}]: not comparable
  Json to_json() const;
};
PriceCheck check_against_guided(const Json& fee_items, const Json* guided_items);

// First and last day of a half year "2026-H1" → {"2026-01-01", "2026-06-30"}.
std::pair<std::string, std::string> half_year_days(const std::string& half);

// The local date (Asia/Shanghai, UTC+8) of a time point, "YYYY-MM-DD".
std::string local_date(TimePoint t);

}  // namespace hub::market
