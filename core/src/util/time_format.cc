#include "util/time_format.h"

#include <cstdio>
#include <cctype>
#include <ctime>

namespace hub {
namespace {

std::string format(TimePoint t, std::chrono::hours offset, const char* pattern, bool micros) {
  using namespace std::chrono;
  const auto since = t.time_since_epoch() + offset;
  const auto secs = floor<seconds>(since);
  const long long us = duration_cast<microseconds>(since - secs).count();
  const std::time_t tt = static_cast<std::time_t>(secs.count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char head[32];
  std::strftime(head, sizeof head, pattern, &tm);
  char out[64];
  if (micros) std::snprintf(out, sizeof out, "%s.%06lld", head, us);
  else std::snprintf(out, sizeof out, "%s.%03lld", head, us / 1000);
  return out;
}

}  // namespace

std::string to_iso8601(TimePoint t) { return format(t, std::chrono::hours(0), "%Y-%m-%dT%H:%M:%S", true) + "Z"; }

std::string to_local_display(TimePoint t) { return format(t, std::chrono::hours(8), "%Y-%m-%d %H:%M:%S", false); }

TimePoint from_pg_timestamp(const std::string& text) {
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, consumed = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%d %d:%d:%d%n", &year, &month, &day, &hour, &minute, &second, &consumed) < 6)
    return {};
  long long micros = 0;
  std::size_t pos = static_cast<std::size_t>(consumed);
  if (pos < text.size() && text[pos] == '.') {
    int digits = 0;
    for (++pos; pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])); ++pos, ++digits)
      if (digits < 6) micros = micros * 10 + (text[pos] - '0');
    for (; digits < 6; ++digits) micros *= 10;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::time_t secs = timegm(&tm);
  return TimePoint(std::chrono::seconds(secs)) + std::chrono::microseconds(micros);
}

}  // namespace hub
