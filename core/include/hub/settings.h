// hub/settings.h: settings a plugin or adapter declares once.
//
// The host checks config against these declarations (unknown keys, wrong types,
// missing required values), fills defaults, and prints them as help.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace hub {

enum class SettingType { kString, kInt, kBool, kDouble, kList, kMap };

struct SettingDecl {
  std::string name;
  SettingType type = SettingType::kString;
  nlohmann::json default_value;  // null: no default
  bool required = false;
  std::string help;
};

}  // namespace hub
