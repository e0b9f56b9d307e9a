#include "util/time_format.h"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace hub {
namespace {

// The unsigned decimal of exactly `text.size()` digits; nullopt otherwise.
std::optional<unsigned> digits(std::string_view text) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string to_iso8601(TimePoint t) {
  using namespace std::chrono;
  const auto since = t.time_since_epoch();
  const auto secs = floor<seconds>(since);
  const long long us = duration_cast<microseconds>(since - secs).count();
  const std::time_t tt = static_cast<std::time_t>(secs.count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char out[96];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, us);
  return out;
}

std::string to_local_minutes(TimePoint t) {
  using namespace std::chrono;
  const std::time_t tt = static_cast<std::time_t>(floor<seconds>(t.time_since_epoch() + kLocalOffset).count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min);
  return out;
}

std::chrono::sys_days local_date_of(TimePoint t) { return std::chrono::floor<std::chrono::days>(t + kLocalOffset); }

TimePoint start_of_local_day(std::chrono::sys_days date) {
  return std::chrono::time_point_cast<TimePoint::duration>(date - kLocalOffset);
}

std::optional<std::chrono::sys_days> parse_iso_date(std::string_view text) {
  using namespace std::chrono;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto y = digits(text.substr(0, 4));
  const auto m = digits(text.substr(5, 2));
  const auto d = digits(text.substr(8, 2));
  if (!y || !m || !d) return std::nullopt;
  const year_month_day date{year{static_cast<int>(*y)}, month{*m}, day{*d}};
  if (!date.ok()) return std::nullopt;
  return sys_days{date};
}

std::string to_iso_date(std::chrono::sys_days date) {
  using namespace std::chrono;
  const year_month_day ymd{date};
  char out[32];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return out;
}

}  // namespace hub
