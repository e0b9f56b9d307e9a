// plugins/utilities/local_dates.h: calendar dates in the hub's local time,
// Asia/Shanghai (UTC+8, no daylight saving). Pure; header-only.
#pragma once

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "hub/clock.h"
#include "hub/payload.h"

namespace hub::utilities {

inline constexpr std::chrono::hours kLocalOffset{8};

// Midnight at the start of `date` ("YYYY-MM-DD") in local time; nullopt for a
// malformed date.
inline std::optional<TimePoint> start_of_local_day(std::string_view date) {
  if (!payload_detail::is_date(date)) return std::nullopt;
  using namespace std::chrono;
  const year_month_day ymd{year{payload_detail::number_at(date, 0, 4)},
                           month{static_cast<unsigned>(payload_detail::number_at(date, 5, 2))},
                           day{static_cast<unsigned>(payload_detail::number_at(date, 8, 2))}};
  return time_point_cast<TimePoint::duration>(sys_days{ymd} - kLocalOffset);
}

// The local date of `t`, "YYYY-MM-DD".
inline std::string local_date(TimePoint t) {
  using namespace std::chrono;
  const year_month_day ymd{floor<days>(t + kLocalOffset)};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return text;
}

}  // namespace hub::utilities
