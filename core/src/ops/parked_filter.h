// ops/parked_filter.h: which parked work an operator means, and the SQL that
// finds it.
//
// Arguments of the "parked" op and of "replay" with "all" (each optional, all
// combinable; a key given must hold a non-empty string):
//   "what"    one kind only: "deliveries", "cases", "updates" or "hooks" (or the singular)
//   "unit"    a delivery's receiver, an update's recipient, the case's origin;
//             for a parked case also a unit that returned it
//   "type"    the case type
//   "since"   parked at or after this time; "until": parked before it. As
//             util/time_parse.h parse_operator_time reads them (local dates or
//             times); a date as "until" includes that day.
//   "reason"  a piece of the parked reason (a hook task's last error), any letter case
// Every value reaches SQL as a parameter; the SQL text is fixed per kind.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/case.h"
#include "store/pg.h"

namespace hub::ops {

enum class ParkedKind { kDelivery, kCase, kUpdate, kHook };

// "deliveries" or "delivery" → kDelivery, and so on ("hook_task" too); nullopt otherwise.
std::optional<ParkedKind> parked_kind(std::string_view name);
// The kind's list in answers ("deliveries", "cases", "updates", "hooks").
const char* list_key(ParkedKind kind);
// Its id in rows and in the replay op ("delivery", "case", "update", "hook_task").
const char* id_key(ParkedKind kind);

struct ParkedFilter {
  std::vector<ParkedKind> kinds;  // the order operators see them in; all four unless "what" names one
  std::optional<std::string> unit, type, reason;
  std::optional<TimePoint> since, until;
  bool narrows = false;  // any argument given
};

// InvalidArgument naming the argument and what it expects.
Result<ParkedFilter> read_parked_filter(const Json& args);

// A SELECT of the parked rows of `kind` that match, with the listing's
// columns, "parked_at" (local, to the second) and "matching" (how many match
// in all, past $6), in id order. Parameters as parked_params() gives them.
std::string parked_select(ParkedKind kind);
// $1 unit, $2 type, $3 reason, $4 since, $5 until, $6 only ids above this,
// $7 at most this many rows, $8 only this id (none: any).
store::PgParams parked_params(const ParkedFilter& filter, std::int64_t after, std::int64_t limit,
                              std::optional<std::int64_t> only = std::nullopt);

}  // namespace hub::ops
