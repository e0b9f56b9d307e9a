// plugins/utilities/hook_helpers.h: small pure helpers of the hooks. Header-only.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "hub/payload.h"

namespace hub::utilities {

// `units` in order, without empty ids and without repeats: the receivers of a follow-up.
inline std::vector<std::string> distinct_units(std::vector<std::string> units) {
  std::vector<std::string> out;
  for (auto& u : units)
    if (!u.empty() && std::find(out.begin(), out.end(), u) == out.end()) out.push_back(std::move(u));
  return out;
}

// The string at `pointer`, or "" when absent or not a string (reply bodies are free JSON).
inline std::string text_at(const Json& json, std::string_view pointer) {
  const std::string* s = find_string(json, pointer);
  return s ? *s : std::string();
}

}  // namespace hub::utilities
