// util/time_format.h: timestamps as the store and the wire write them, and the
// hub's local calendar dates.
//
// Local time is Asia/Shanghai: UTC+8, no daylight saving. A calendar date is a
// std::chrono::sys_days naming the civil date itself (its midnight UTC stands
// for the whole day, whatever the zone); start_of_local_day() gives the instant.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "hub/clock.h"

namespace hub {

// Local time minus UTC.
inline constexpr std::chrono::hours kLocalOffset{8};

// UTC, microseconds: "2026-11-29T12:00:00.123456Z". PostgreSQL reads it as timestamptz.
std::string to_iso8601(TimePoint t);

// The hub's local time (Asia/Shanghai, UTC+8, no daylight saving) to the
// minute, for people: "2026-11-30 08:00".
std::string to_local_minutes(TimePoint t);

// The local calendar date of `t` (2026-03-02T16:30:00Z is 2026-03-03).
std::chrono::sys_days local_date_of(TimePoint t);

// 00:00 local time of `date`, as an instant (2026-03-03 gives 2026-03-02T16:00:00Z).
TimePoint start_of_local_day(std::chrono::sys_days date);

// "YYYY-MM-DD" for a date that exists (no 2026-02-30), else nullopt.
std::optional<std::chrono::sys_days> parse_iso_date(std::string_view text);

// "YYYY-MM-DD".
std::string to_iso_date(std::chrono::sys_days date);

}  // namespace hub
