// ops/query_rows.h: what the operator queries share: rows as JSON, and
// times as operators read them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hub/case.h"
#include "store/pg.h"

namespace hub::ops {

// Runs `select` (with `params`) and returns its rows as JSON objects, one
// statement (json_agg on the server side).
Result<Json> rows(store::PgConnection& db, const std::string& select, const store::PgParams& params);

// An integer argument of a request, if given as a JSON integer.
std::optional<std::int64_t> id_arg(const Json& args, const char* key);

// A non-empty string argument of a request.
std::optional<std::string> text_arg(const Json& args, const char* key);

// A boolean argument: true only when given as JSON true.
bool flag_arg(const Json& args, const char* key);

// SQL for `column` (timestamptz) as the hub's local time: "2026-12-03 18:00:05.123".
std::string local(const char* column);

// The same to the second: "2026-12-03 18:00:05".
std::string local_seconds(const char* column);

}  // namespace hub::ops
