#include "util/time_format.h"

#include <cstdio>
#include <ctime>

namespace hub {

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
  const std::time_t tt = static_cast<std::time_t>(floor<seconds>(t.time_since_epoch() + hours(8)).count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min);
  return out;
}

}  // namespace hub
