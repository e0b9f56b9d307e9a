// plugins/utilities/settings.h: the utilities plugin's settings, as data.
//
// checklist      the standard joint-acceptance checklist (标准化联合验收清单):
//                item id -> {name (Chinese), unit}. `unit` is the responsible
//                unit's id, or "compound.<role>" for a unit found through the
//                compound directory (e.g. "compound.subdistrict", the 镇街).
// utility_units  the units that take over meter readings and accounts when a
//                property company leaves a compound (water, power, heating, gas).
//
// parse_settings() checks both and refuses bad ones with every problem named.
// A Settings value is immutable once parsed and may be read from any thread.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "hub/plugin.h"

namespace hub::utilities {

struct ChecklistItem {
  std::string id;
  std::string name;  // Chinese, shown to users
  std::string unit;  // unit id, or "compound.<role>"
};

// By item id.
using Checklist = std::map<std::string, ChecklistItem>;

struct Settings {
  Checklist checklist;
  std::vector<std::string> utility_units;
};

// The declarations of the settings above, with their defaults.
std::vector<SettingDecl> setting_decls();

// The default checklist (the policy's list, each item with its unit) as the
// settings JSON, and the default utility units.
Json default_checklist();
Json default_utility_units();

// Reads settings already checked against setting_decls() (defaults filled).
// InvalidArgument naming every bad entry.
Status parse_settings(const Json& settings, Settings& out);

// True for "compound.<role>" with a role the directory knows.
bool is_directory_role(std::string_view unit);

// The unit responsible for `unit` at `compound`: a unit id as is, a
// "compound.<role>" through the directory; "" when nobody holds the role.
std::string resolve_unit(HookContext& ctx, const std::string& compound, const std::string& unit);

}  // namespace hub::utilities
