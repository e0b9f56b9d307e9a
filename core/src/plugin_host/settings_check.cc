#include "plugin_host/settings_check.h"

#include <fmt/format.h>

namespace hub::plugin_host {
namespace {

const char* type_name(SettingType t) {
  switch (t) {
    case SettingType::kString: return "string";
    case SettingType::kInt: return "integer";
    case SettingType::kBool: return "boolean";
    case SettingType::kDouble: return "number";
    case SettingType::kList: return "list";
    case SettingType::kMap: return "map";
  }
  return "?";
}

bool has_type(const nlohmann::json& v, SettingType t) {
  switch (t) {
    case SettingType::kString: return v.is_string();
    case SettingType::kInt: return v.is_number_integer();
    case SettingType::kBool: return v.is_boolean();
    case SettingType::kDouble: return v.is_number();
    case SettingType::kList: return v.is_array();
    case SettingType::kMap: return v.is_object();
  }
  return false;
}

}  // namespace

Result<nlohmann::json> check_settings(const std::vector<SettingDecl>& decls, const nlohmann::json& given,
                                      const std::string& owner) {
  std::vector<std::string> problems;
  nlohmann::json out = nlohmann::json::object();
  if (!given.is_null() && !given.is_object())
    return Status::InvalidArgument(owner + ": settings must be a map");
  const nlohmann::json values = given.is_object() ? given : nlohmann::json::object();

  for (const auto& [key, value] : values.items()) {
    bool known = false;
    for (const auto& d : decls) known = known || d.name == key;
    if (!known) {
      std::string allowed;
      for (const auto& d : decls) allowed += (allowed.empty() ? "" : ", ") + d.name;
      problems.push_back(fmt::format("unknown setting '{}' (allowed: {})", key, allowed.empty() ? "none" : allowed));
    }
  }
  for (const auto& d : decls) {
    auto it = values.find(d.name);
    if (it == values.end()) {
      if (d.required) problems.push_back(fmt::format("setting '{}' ({}) is required: {}", d.name, type_name(d.type), d.help));
      else if (!d.default_value.is_null()) out[d.name] = d.default_value;
      continue;
    }
    if (!has_type(*it, d.type)) {
      problems.push_back(fmt::format("setting '{}' must be of type {}, got {}", d.name, type_name(d.type), it->dump()));
      continue;
    }
    out[d.name] = *it;
  }
  if (problems.empty()) return out;
  std::string message = owner + ": bad settings:";
  for (const auto& p : problems) message += "\n  - " + p;
  return Status::InvalidArgument(message);
}

}  // namespace hub::plugin_host
