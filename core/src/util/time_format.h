// util/time_format.h: timestamps as the store and the wire write them.
#pragma once

#include <string>

#include "hub/clock.h"

namespace hub {

// UTC, microseconds: "2026-11-29T12:00:00.123456Z". PostgreSQL reads it as timestamptz.
std::string to_iso8601(TimePoint t);

// Local time of the hub (Asia/Shanghai, UTC+8, no daylight saving), for people:
// "2026-11-29 20:00:00.123".
std::string to_local_display(TimePoint t);

// Reads what PostgreSQL prints for a timestamptz in UTC ("2026-11-29 12:00:00.123456+00").
// Returns the epoch when the text cannot be read.
TimePoint from_pg_timestamp(const std::string& text);

}  // namespace hub
