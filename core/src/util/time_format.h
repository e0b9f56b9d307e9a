// util/time_format.h: timestamps as the store and the wire write them.
#pragma once

#include <string>

#include "hub/clock.h"

namespace hub {

// UTC, microseconds: "2026-11-29T12:00:00.123456Z". PostgreSQL reads it as timestamptz.
std::string to_iso8601(TimePoint t);

}  // namespace hub
