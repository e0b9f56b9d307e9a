// util/ids.h: what the hub accepts as an id (units, case types, routes, hubs).
//
// An id is non-empty and made of lower-case ASCII letters, digits, '_', '.'
// and '-' only. It never holds a '/', so "<id>.key" is always a plain file
// name inside its folder.
#pragma once

#include <algorithm>
#include <string_view>

namespace hub {

inline bool is_id(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
}

// The rule as error messages state it.
inline constexpr const char* kIdRule = "lower-case letters, digits, '_', '.' and '-' only";

}  // namespace hub
