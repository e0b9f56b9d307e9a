// util/time_parse.h: times as units write them on the wire, and as the hub
// writes them back to units.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hub/clock.h"

namespace hub {

// Reads an ISO 8601 / RFC 3339 time with an explicit offset:
// "2026-12-03T18:00:00+08:00", "2026-12-03T10:00:00Z", seconds and a fraction
// optional ("2026-12-03T18:00+08:00", "...T18:00:00.5+08:00"). A time without
// an offset is ambiguous and refused, as is any field out of range and any
// year outside 1900..2200 (the hub's clock cannot hold every year).
std::optional<TimePoint> parse_iso8601(std::string_view text);

// Reads a time as operators type it (hubctl's --since / --until), in the
// hub's local time (Asia/Shanghai) unless an offset is given: a date
// "2026-12-03"; a time "2026-12-03T18:00", "2026-12-03 18:00:05" or
// "2026-12-03 18:00:05.123" (as hubctl prints times); or any form
// parse_iso8601 reads. A date alone is its 00:00 local, or with `after_date`
// the 00:00 that ends it, so that "until 2026-12-03" includes that day.
std::optional<TimePoint> parse_operator_time(std::string_view text, bool after_date = false);

// The hub's local time with its offset, to the second: "2026-12-03T18:00:00+08:00".
std::string to_local_iso8601(TimePoint t);

}  // namespace hub
