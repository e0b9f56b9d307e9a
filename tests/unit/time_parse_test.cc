#include <catch2/catch.hpp>

#include "util/time_format.h"
#include "util/time_parse.h"

using hub::parse_iso8601;

TEST_CASE("wire times need an offset and are read exactly", "[time]") {
  // 18:00 at +08:00 is 10:00 UTC.
  CHECK(hub::to_iso8601(*parse_iso8601("2026-12-03T18:00:00+08:00")) == "2026-12-03T10:00:00.000000Z");
  CHECK(hub::to_iso8601(*parse_iso8601("2026-12-03T10:00:00Z")) == "2026-12-03T10:00:00.000000Z");
  CHECK(hub::to_iso8601(*parse_iso8601("2026-12-03T18:00+08:00")) == "2026-12-03T10:00:00.000000Z");
  CHECK(hub::to_iso8601(*parse_iso8601("2026-12-03T18:00:00.25+08:00")) == "2026-12-03T10:00:00.250000Z");
  // Crossing midnight backwards: 01:30 at +08:00 is the previous day, 17:30 UTC.
  CHECK(hub::to_iso8601(*parse_iso8601("2026-03-01T01:30:00+08:00")) == "2026-02-28T17:30:00.000000Z");
  CHECK(hub::to_iso8601(*parse_iso8601("2026-12-03T05:00:00-05:00")) == "2026-12-03T10:00:00.000000Z");
}

TEST_CASE("malformed or ambiguous wire times are refused", "[time]") {
  for (const char* bad : {"", "2026-12-03", "2026-12-03T18:00:00", "2026-12-03 18:00:00+08:00", "2026-02-30T10:00Z",
                          "2026-12-03T24:00Z", "2026-12-03T18:60Z", "2026-12-03T18:00:00+8:00", "2026-12-03T18:00Zjunk",
                          "2026-12-03T18:00:00.+08:00", "26-12-03T18:00Z",
                          // years the clock (64-bit nanoseconds) cannot hold; found by tests/fuzz/wire_time
                          "9999-12-31T00:00Z", "2262-04-12T00:00Z", "1600-01-01T00:00Z"})
    CHECK_FALSE(parse_iso8601(bad));
}

TEST_CASE("the hub writes times back in local time with its offset", "[time]") {
  CHECK(hub::to_local_iso8601(*parse_iso8601("2026-12-03T10:00:00Z")) == "2026-12-03T18:00:00+08:00");
  CHECK(hub::to_local_iso8601(*parse_iso8601("2026-12-31T16:00:00Z")) == "2027-01-01T00:00:00+08:00");
}

TEST_CASE("operators give times as local dates or local times, with or without an offset", "[time]") {
  using hub::parse_operator_time;
  // A date is its local midnight (16:00 UTC the day before), or the midnight ending it.
  CHECK(hub::to_iso8601(*parse_operator_time("2026-12-03")) == "2026-12-02T16:00:00.000000Z");
  CHECK(hub::to_iso8601(*parse_operator_time("2026-12-03", true)) == "2026-12-03T16:00:00.000000Z");
  CHECK(hub::to_iso8601(*parse_operator_time("2026-12-31", true)) == "2026-12-31T16:00:00.000000Z");
  // Local times as typed and as hubctl prints them; a time is the same whether it starts or ends a period.
  CHECK(hub::to_iso8601(*parse_operator_time("2026-12-03T18:00")) == "2026-12-03T10:00:00.000000Z");
  CHECK(hub::to_iso8601(*parse_operator_time("2026-12-03 18:00:05", true)) == "2026-12-03T10:00:05.000000Z");
  CHECK(hub::to_iso8601(*parse_operator_time("2026-12-03 18:00:05.250")) == "2026-12-03T10:00:05.250000Z");
  // An explicit offset is honoured.
  CHECK(hub::to_iso8601(*parse_operator_time("2026-12-03T10:00:00Z")) == "2026-12-03T10:00:00.000000Z");
  CHECK(hub::to_iso8601(*parse_operator_time("2026-12-03 18:00+08:00")) == "2026-12-03T10:00:00.000000Z");
  for (const char* bad : {"", "yesterday", "2026-02-30", "3.12.2026", "2026-12-03T25:00", "2026-12-03 18:00+08:00+08:00",
                          "2026-12-03T18", "9999-12-31", "2026-12-03T18:00:00Zjunk"})
    CHECK_FALSE(parse_operator_time(bad));
}
