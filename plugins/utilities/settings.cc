#include "settings.h"

#include <algorithm>
#include <array>
#include <set>

namespace hub::utilities {
namespace {

constexpr std::string_view kRolePrefix = "compound.";

// The roles HookContext::resolve_role answers with a unit.
constexpr std::array<std::string_view, 9> kRoles = {"servicer",   "company", "custodian", "community", "subdistrict",
                                                    "zone.cgj",   "zone.group", "team",    "committee"};

// A unit id as config spells them: lower-case letters, digits, '.', '_' and '-'.
bool is_unit_id(std::string_view id) {
  if (id.empty()) return false;
  return std::all_of(id.begin(), id.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
  });
}

std::string roles_list() {
  std::string out;
  for (auto role : kRoles) out += (out.empty() ? "" : ", ") + std::string(kRolePrefix) + std::string(role);
  return out;
}

}  // namespace

std::vector<SettingDecl> setting_decls() {
  return {{"checklist", SettingType::kMap, default_checklist(), false,
           "the standard joint-acceptance checklist: item id -> {name (Chinese), unit (unit id, or "
           "compound.<role> such as compound.subdistrict)}"},
          {"utility_units", SettingType::kList, default_utility_units(), false,
           "units that take over meter readings and accounts when a property company leaves a compound"}};
}

// PROVISIONAL: the policy lists the items (充电桩, 绿化, 环卫, 供水/供电/供气管网, 消防设施,
// 物业管理用房, 居民活动用房; and 供热, 有线电视, 网络通信, 邮政, 路灯, 道路, 排水, 电梯,
// 安全技防) but not who checks each; the duty list that would say so is not
// published. Each item goes to the unit whose duty the text or common practice
// makes it; config/plugins/utilities.yaml states the table and may change it.
Json default_checklist() {
  auto item = [](const char* name, const char* unit) { return Json{{"name", name}, {"unit", unit}}; };
  return {
      {"charging_piles", item("充电桩", "power")},
      {"greening", item("绿化", "cgj")},
      {"sanitation", item("环卫设施", "cgj")},
      {"water_network", item("供水管网", "water")},
      {"power_network", item("供电管网", "power")},
      {"gas_network", item("供气管网", "gas")},
      {"heating_network", item("供热管网", "heating")},
      {"fire_facilities", item("消防设施", "fire")},
      {"pm_rooms", item("物业管理用房", "zrzy")},
      {"activity_rooms", item("居民活动用房", "zrzy")},
      {"cable_tv", item("有线电视", "cable")},
      {"telecom_mobile", item("网络通信（移动）", "telecom.mobile")},
      {"telecom_unicom", item("网络通信（联通）", "telecom.unicom")},
      {"telecom_telecom", item("网络通信（电信）", "telecom.telecom")},
      {"post", item("邮政设施", "compound.subdistrict")},
      {"street_lights", item("路灯", "cgj")},
      {"roads", item("道路", "zjj")},
      {"drainage", item("排水", "water")},
      {"lifts", item("电梯", "market")},
      {"security", item("安全技防", "police")},
  };
}

Json default_utility_units() { return Json::array({"water", "power", "heating", "gas"}); }

Status parse_settings(const Json& settings, Settings& out) {
  std::vector<std::string> problems;
  Settings parsed;
  const Json checklist = settings.value("checklist", default_checklist());
  if (!checklist.is_object() || checklist.empty()) problems.push_back("checklist: must be a non-empty map");
  const Json items = checklist.is_object() ? checklist : Json::object();
  for (const auto& [id, spec] : items.items()) {
    const std::string where = "checklist item '" + id + "'";
    if (!is_unit_id(id)) problems.push_back(where + ": ids use lower-case letters, digits, '.', '_' or '-'");
    if (!spec.is_object()) {
      problems.push_back(where + ": expected {name, unit}");
      continue;
    }
    for (const auto& [key, value] : spec.items())
      if (key != "name" && key != "unit") problems.push_back(where + ": unknown key '" + key + "' (expected name, unit)");
    const Json* name = spec.contains("name") ? &spec["name"] : nullptr;
    const Json* unit = spec.contains("unit") ? &spec["unit"] : nullptr;
    if (!name || !name->is_string() || name->get_ref<const std::string&>().empty())
      problems.push_back(where + ": 'name' (the Chinese name) is required");
    if (!unit || !unit->is_string() || unit->get_ref<const std::string&>().empty()) {
      problems.push_back(where + ": 'unit' (the responsible unit) is required");
      continue;
    }
    const std::string& u = unit->get_ref<const std::string&>();
    if (u.starts_with(kRolePrefix) && !is_directory_role(u))
      problems.push_back(where + ": unknown role '" + u + "' (expected a unit id or one of " + roles_list() + ")");
    else if (!is_unit_id(u))
      problems.push_back(where + ": '" + u + "' is not a unit id");
    if (name && name->is_string()) parsed.checklist[id] = {id, name->get<std::string>(), u};
  }

  const Json units = settings.value("utility_units", default_utility_units());
  std::set<std::string> seen;
  if (!units.is_array() || units.empty()) problems.push_back("utility_units: must be a non-empty list of unit ids");
  const Json listed = units.is_array() ? units : Json::array();
  for (const auto& u : listed) {
    if (!u.is_string() || !is_unit_id(u.get_ref<const std::string&>()) || u.get_ref<const std::string&>().starts_with(kRolePrefix)) {
      problems.push_back("utility_units: " + u.dump() + " is not a unit id");
      continue;
    }
    if (!seen.insert(u.get<std::string>()).second) problems.push_back("utility_units: " + u.dump() + " is listed twice");
    parsed.utility_units.push_back(u.get<std::string>());
  }

  if (!problems.empty()) {
    std::string message = "bad settings:";
    for (const auto& p : problems) message += "\n  - " + p;
    return Status::InvalidArgument(message);
  }
  out = std::move(parsed);
  return {};
}

bool is_directory_role(std::string_view unit) {
  if (!unit.starts_with(kRolePrefix)) return false;
  const std::string_view role = unit.substr(kRolePrefix.size());
  return std::find(kRoles.begin(), kRoles.end(), role) != kRoles.end();
}

std::string resolve_unit(HookContext& ctx, const std::string& compound, const std::string& unit) {
  if (!unit.starts_with(kRolePrefix)) return unit;
  return ctx.resolve_role(compound, std::string_view(unit).substr(kRolePrefix.size()));
}

}  // namespace hub::utilities
