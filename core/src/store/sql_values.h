// store/sql_values.h: values as the store's statements take them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hub/case.h"

namespace hub::store {

// A JSON parameter (one per batch statement, read with jsonb_to_recordset).
// Invalid UTF-8 is replaced rather than thrown on.
inline std::string json_param(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// A bigint[] parameter: "{1,2,3}".
inline std::string bigint_array(const std::vector<std::int64_t>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "}";
}

}  // namespace hub::store
