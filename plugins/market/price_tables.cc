#include "price_tables.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace hub::market {
namespace {

// Versions sorted by effective_from, recording order kept among equals.
std::vector<const Json*> sorted_versions(const Json& table) {
  std::vector<const Json*> out;
  if (!table.is_object() || !table.contains("versions") || !table["versions"].is_array()) return out;
  for (const auto& v : table["versions"]) out.push_back(&v);
  std::stable_sort(out.begin(), out.end(), [](const Json* a, const Json* b) {
    return a->value("effective_from", "") < b->value("effective_from", "");
  });
  return out;
}

}  // namespace

std::string guided_key(const std::string& subdistrict, const std::string& klass) {
  return "guided/" + subdistrict + "/" + klass;
}
std::string published_key(const std::string& compound) { return "published/" + compound; }
std::string accounts_key(const std::string& compound) { return "accounts/" + compound; }

Json add_version(std::optional<Json> table, Json version) {
  Json out = table && table->is_object() ? std::move(*table) : Json::object();
  if (!out.contains("versions") || !out["versions"].is_array()) out["versions"] = Json::array();
  out["versions"].push_back(std::move(version));
  return out;
}

std::optional<Json> in_force(const std::optional<Json>& table, const std::string& date) {
  if (!table) return std::nullopt;
  const Json* found = nullptr;
  for (const Json* v : sorted_versions(*table))
    if (v->value("effective_from", "") <= date) found = v;
  if (found == nullptr) return std::nullopt;
  return *found;
}

std::set<std::string> fee_names_between(const std::optional<Json>& table, const std::string& from,
                                        const std::string& to) {
  std::set<std::string> names;
  if (!table) return names;
  const auto versions = sorted_versions(*table);
  for (std::size_t i = 0; i < versions.size(); ++i) {
    const std::string start = versions[i]->value("effective_from", "");
    // In force until the next version starts (never, when one starts the same day).
    const bool has_next = i + 1 < versions.size();
    const std::string next = has_next ? versions[i + 1]->value("effective_from", "") : std::string();
    if (has_next && next == start) continue;
    if (start > to || (has_next && next <= from)) continue;
    const auto items = versions[i]->find("fee_items");
    if (items == versions[i]->end() || !items->is_array()) continue;
    for (const auto& item : *items)
      if (const std::string* name = find_string(item, "/name")) names.insert(*name);
  }
  return names;
}

const Json* item_named(const Json* items, const std::string& name) {
  if (items == nullptr || !items->is_array()) return nullptr;
  for (const auto& item : *items)
    if (item.is_object() && item.value("name", "") == name) return &item;
  return nullptr;
}

const Json* member(const std::optional<Json>& version, const char* key) {
  if (!version || !version->is_object()) return nullptr;
  auto it = version->find(key);
  return it == version->end() ? nullptr : &*it;
}

Json PriceCheck::to_json() const {
  return {{"above_guided", above_guided}, {"unguided", unguided}, {"other_unit", other_unit}};
}

PriceCheck check_against_guided(const Json& fee_items, const Json* guided_items) {
  PriceCheck check;
  for (const auto& fee : fee_items) {
    const std::string name = fee.value("name", "");
    const Json* guided = item_named(guided_items, name);
    if (guided == nullptr) {
      check.unguided.push_back(name);
      continue;
    }
    const std::string unit = fee.value("unit", ""), guided_unit = guided->value("unit", "");
    if (unit != guided_unit) {
      check.other_unit.push_back({{"fee_item", name}, {"unit", unit}, {"guided_unit", guided_unit}});
      continue;
    }
    const double price = fee.value("price_yuan", 0.0), max = guided->value("max_price_yuan", 0.0);
    if (price > max && !same_amount(price, max))
      check.above_guided.push_back(
          {{"fee_item", name}, {"price_yuan", price}, {"max_price_yuan", max}, {"unit", unit}});
  }
  return check;
}

std::pair<std::string, std::string> half_year_days(const std::string& half) {
  const std::string year = half.substr(0, 4);
  if (half.size() == 7 && half[6] == '2') return {year + "-07-01", year + "-12-31"};
  return {year + "-01-01", year + "-06-30"};
}

std::string local_date(TimePoint t) {
  using namespace std::chrono;
  const auto local = floor<days>(t + hours(8));
  const year_month_day ymd{local};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace hub::market
