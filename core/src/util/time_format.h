// util/time_format.h: timestamps as the store and the wire write them.
#pragma once

#include <string>

#include "hub/clock.h"

namespace hub {

// UTC, microseconds: "2026-11-29T12:00:00.123456Z". PostgreSQL reads it as timestamptz.
std::string to_iso8601(TimePoint t);

// The hub's local time (Asia/Shanghai, UTC+8, no daylight saving) to the
// minute, for people: "2026-11-30 08:00".
std::string to_local_minutes(TimePoint t);

}  // namespace hub
