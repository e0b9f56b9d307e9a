#include "util/time_parse.h"

#include "util/time_format.h"

#include <cctype>
#include <cstdio>

namespace hub {
namespace {

// Reads exactly `digits` decimal digits at `pos`.
std::optional<int> number(std::string_view s, std::size_t pos, std::size_t digits) {
  if (pos + digits > s.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + digits; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

constexpr int kFirstYear = 1900;
constexpr int kLastYear = 2200;

}  // namespace

std::optional<TimePoint> parse_iso8601(std::string_view s) {
  using namespace std::chrono;
  const auto y = number(s, 0, 4), mo = number(s, 5, 2), d = number(s, 8, 2), h = number(s, 11, 2),
             mi = number(s, 14, 2);
  if (!y || !mo || !d || !h || !mi || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':')
    return std::nullopt;
  const year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  // The clock counts nanoseconds in 64 bits (1677..2262): keep well inside.
  if (!date.ok() || *y < kFirstYear || *y > kLastYear || *h > 23 || *mi > 59) return std::nullopt;
  std::size_t pos = 16;
  int second = 0;
  microseconds fraction{0};
  if (pos < s.size() && s[pos] == ':') {
    const auto sec = number(s, pos + 1, 2);
    if (!sec || *sec > 59) return std::nullopt;
    second = *sec;
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      long long scale = 100000;
      const std::size_t start = pos;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
        fraction += microseconds((s[pos] - '0') * scale);
        scale /= 10;
        ++pos;
      }
      if (pos == start) return std::nullopt;
    }
  }
  if (pos >= s.size()) return std::nullopt;  // no offset
  minutes offset{0};
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    const auto oh = number(s, pos + 1, 2), om = number(s, pos + 4, 2);
    if (!oh || !om || pos + 3 >= s.size() || s[pos + 3] != ':' || *oh > 23 || *om > 59) return std::nullopt;
    offset = hours(*oh) + minutes(*om);
    if (s[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const auto local = sys_days(date) + hours(*h) + minutes(*mi) + seconds(second) + fraction;
  return time_point_cast<system_clock::duration>(local - offset);
}

std::optional<TimePoint> parse_operator_time(std::string_view text, bool after_date) {
  if (text.size() == 10) {
    const auto midnight = parse_iso8601(std::string(text) + "T00:00:00+08:00");
    if (!midnight || !after_date) return midnight;
    return *midnight + std::chrono::hours(24);
  }
  std::string s(text);
  if (s.size() > 10 && s[10] == ' ') s[10] = 'T';
  if (auto t = parse_iso8601(s)) return t;
  // Without an offset: local time. A string that already ends in one fails here too.
  return parse_iso8601(s + "+08:00");
}

std::string to_local_iso8601(TimePoint t) {
  using namespace std::chrono;
  const auto local = floor<seconds>(t + kLocalOffset);
  const auto day = floor<days>(local);
  const year_month_day date{day};
  const hh_mm_ss time{local - day};
  char out[40];
  std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02lld:%02lld:%02lld+08:00", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<long long>(time.hours().count()), static_cast<long long>(time.minutes().count()),
                static_cast<long long>(time.seconds().count()));
  return out;
}

}  // namespace hub
