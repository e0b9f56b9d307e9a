// Times units write (until, ...): parse_iso8601 accepts or refuses any bytes
// without crashing, and a time it accepts comes back unchanged (to the
// second) through the hub's own way of writing times.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "util/time_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto t = hub::parse_iso8601(text);
  if (!t) return 0;
  using namespace std::chrono;
  const auto local_year = static_cast<int>(year_month_day(floor<days>(*t + hours(8))).year());
  if (local_year < 0 || local_year > 9999) return 0;  // beyond what four digits can write back
  const auto again = hub::parse_iso8601(hub::to_local_iso8601(*t));
  if (!again || *again != floor<seconds>(*t)) std::abort();
  return 0;
}
