// Tests of lifecycle/calendar.h: working days and deadlines on the 2026
// calendar of the State Council's notice (2025-11-04), built in code, and the
// calendar of the Xinhui deployment's files.
//
// Times are written in local time (UTC+8); each expected deadline is given in
// UTC as to_iso8601 writes it, with its local time and the count in a comment.
// Weekdays of 2026: 01-01 Thu, 02-13 Fri, 03-02 Mon, 09-18 Fri, 10-01 Thu.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "config/loader.h"
#include "lifecycle/calendar.h"
#include "util/time_format.h"

namespace {

using hub::TimePoint;
using hub::config::CalendarConfig;
using hub::lifecycle::Calendar;
using namespace std::chrono_literals;

// 2026 as announced, and 2027 with the statutory days only (provisional).
CalendarConfig notice_2026() {
  CalendarConfig config;
  config.first_day = "2026-01-01";
  config.last_day = "2027-12-31";
  config.years = {{2026, "国务院办公厅关于2026年部分节假日安排的通知（2025-11-04）", false},
                  {2027, "《全国年节及纪念日放假办法》", true}};
  config.holidays = {
      {"元旦", {"2026-01-01", "2026-01-02", "2026-01-03"}, {"2026-01-04"}, {}},
      {"春节",
       {"2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-21",
        "2026-02-22", "2026-02-23"},
       {"2026-02-14", "2026-02-28"},
       {}},
      {"中秋节", {"2026-09-25", "2026-09-26", "2026-09-27"}, {}, {}},
      {"国庆节",
       {"2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07"},
       {"2026-09-20", "2026-10-10"},
       {}},
  };
  config.where.file = "config/calendar.yaml";
  return config;
}

Calendar built(const CalendarConfig& config = notice_2026()) {
  auto calendar = Calendar::build(config);
  INFO(calendar.status().message());
  REQUIRE(calendar.ok());
  return std::move(calendar).value();
}

std::chrono::sys_days date(std::string_view text) {
  const auto day = hub::parse_iso_date(text);
  REQUIRE(day);
  return *day;
}

// "YYYY-MM-DD HH:MM" in local time (UTC+8).
TimePoint local(std::string_view text) {
  const int hour = std::stoi(std::string(text.substr(11, 2)));
  const int minute = std::stoi(std::string(text.substr(14, 2)));
  return hub::start_of_local_day(date(text.substr(0, 10))) + std::chrono::hours(hour) + std::chrono::minutes(minute);
}

// The deadline as to_iso8601 writes it (UTC), or "error: <message>".
std::string deadline(const Calendar& calendar, TimePoint from, const char* limit_text) {
  const auto limit = hub::config::parse_limit(limit_text);
  REQUIRE(limit.ok());
  auto end = calendar.deadline(from, limit.value());
  return end.ok() ? hub::to_iso8601(*end) : "error: " + end.status().message();
}

bool working(const Calendar& calendar, std::string_view day) {
  const auto result = calendar.is_working_day(date(day));
  INFO(day << ": " << result.status().message());
  REQUIRE(result.ok());
  return result.value();
}

}  // namespace

TEST_CASE("a limit in hours is wall-clock hours, whatever the calendar", "[calendar]") {
  const Calendar calendar = built();
  // Sat 2026-02-14 22:30 local = 14:30Z; + 4h = 18:30Z (02:30 local on the 15th, a day off: no matter).
  CHECK(deadline(calendar, local("2026-02-14 22:30"), "4h") == "2026-02-14T18:30:00.000000Z");
  // + 30h = 2026-02-15T20:30Z.
  CHECK(deadline(calendar, local("2026-02-14 22:30"), "30h") == "2026-02-15T20:30:00.000000Z");
  // Beyond the covered dates: Fri 2027-12-31 20:00 local = 12:00Z; + 48h = 2028-01-02T12:00Z, no error.
  CHECK(deadline(calendar, local("2027-12-31 20:00"), "48h") == "2028-01-02T12:00:00.000000Z");
}

TEST_CASE("N working days end at 00:00 local after the Nth working day after dispatch", "[calendar]") {
  const Calendar calendar = built();
  const TimePoint monday = local("2026-03-09 10:00");  // = 02:00Z
  // 1wd: Tue 03-10 (1) -> Wed 03-11 00:00 local = 03-10T16:00Z.
  CHECK(deadline(calendar, monday, "1wd") == "2026-03-10T16:00:00.000000Z");
  // 2wd: Tue 10 (1), Wed 11 (2) -> Thu 03-12 00:00 local = 03-11T16:00Z.
  CHECK(deadline(calendar, monday, "2wd") == "2026-03-11T16:00:00.000000Z");
  // 5wd: Tue 10, Wed 11, Thu 12, Fri 13 (4), Sat 14 + Sun 15 weekend, Mon 16 (5) -> Tue 03-17 00:00 = 03-16T16:00Z.
  CHECK(deadline(calendar, monday, "5wd") == "2026-03-16T16:00:00.000000Z");
}

TEST_CASE("dispatch on a Friday evening or at the weekend counts from Monday", "[calendar]") {
  const Calendar calendar = built();
  // Fri 03-13 19:30 local: Sat 14, Sun 15 weekend; Mon 16 (1) -> Tue 03-17 00:00 local = 03-16T16:00Z.
  CHECK(deadline(calendar, local("2026-03-13 19:30"), "1wd") == "2026-03-16T16:00:00.000000Z");
  // Sat 03-14 09:00 local: Sun 15 weekend, Mon 16 (1) -> the same.
  CHECK(deadline(calendar, local("2026-03-14 09:00"), "1wd") == "2026-03-16T16:00:00.000000Z");
  // Sun 03-15 23:00 local: Mon 16 (1) -> the same.
  CHECK(deadline(calendar, local("2026-03-15 23:00"), "1wd") == "2026-03-16T16:00:00.000000Z");
  // Fri 03-13 19:30, 2wd: Mon 16 (1), Tue 17 (2) -> Wed 03-18 00:00 local = 03-17T16:00Z.
  CHECK(deadline(calendar, local("2026-03-13 19:30"), "2wd") == "2026-03-17T16:00:00.000000Z");
}

TEST_CASE("the dispatch day is the local date, which starts at 16:00 UTC", "[calendar]") {
  const Calendar calendar = built();
  using std::chrono::sys_days;
  const sys_days march_2 = date("2026-03-02");  // Monday
  // Mon 03-02 23:59 local (15:59Z): dispatch day Monday; Tue 03-03 (1) -> Wed 03-04 00:00 local = 03-03T16:00Z.
  CHECK(deadline(calendar, local("2026-03-02 23:59"), "1wd") == "2026-03-03T16:00:00.000000Z");
  // 15:59:59Z is still Monday 23:59:59 local: the same.
  CHECK(deadline(calendar, march_2 + 15h + 59min + 59s, "1wd") == "2026-03-03T16:00:00.000000Z");
  // 16:00:00Z is Tue 03-03 00:00 local: dispatch day Tuesday; Wed 03-04 (1) -> Thu 03-05 00:00 local = 03-04T16:00Z.
  CHECK(deadline(calendar, march_2 + 16h, "1wd") == "2026-03-04T16:00:00.000000Z");
  CHECK(deadline(calendar, local("2026-03-03 00:00"), "1wd") == "2026-03-04T16:00:00.000000Z");
  // 2026-03-02T16:30:00Z is Tue 00:30 local: the same.
  CHECK(deadline(calendar, march_2 + 16h + 30min, "1wd") == "2026-03-04T16:00:00.000000Z");
}

TEST_CASE("the 2026 Spring Festival: nine days off, two Saturdays worked", "[calendar]") {
  const Calendar calendar = built();
  // Off Sun 02-15 .. Mon 02-23; make-up working days Sat 02-14 and Sat 02-28.
  CHECK(working(calendar, "2026-02-14"));
  CHECK_FALSE(working(calendar, "2026-02-15"));
  CHECK_FALSE(working(calendar, "2026-02-23"));  // a Monday
  CHECK(working(calendar, "2026-02-24"));
  CHECK(working(calendar, "2026-02-28"));
  CHECK_FALSE(working(calendar, "2026-03-01"));  // an ordinary Sunday

  const TimePoint friday = local("2026-02-13 10:00");
  // 1wd: Sat 02-14 (1, make-up) -> Sun 02-15 00:00 local = 02-14T16:00Z.
  CHECK(deadline(calendar, friday, "1wd") == "2026-02-14T16:00:00.000000Z");
  // 2wd: Sat 14 (1), 15..23 off, Tue 24 (2) -> Wed 02-25 00:00 local = 02-24T16:00Z.
  CHECK(deadline(calendar, friday, "2wd") == "2026-02-24T16:00:00.000000Z");
  // 5wd: 14 (1), 24 (2), 25 (3), 26 (4), Fri 27 (5) -> Sat 02-28 00:00 local = 02-27T16:00Z.
  CHECK(deadline(calendar, friday, "5wd") == "2026-02-27T16:00:00.000000Z");
  // 6wd: ... Sat 28 (6, make-up) -> Sun 03-01 00:00 local = 02-28T16:00Z.
  CHECK(deadline(calendar, friday, "6wd") == "2026-02-28T16:00:00.000000Z");
  // 7wd: ... Sun 03-01 weekend, Mon 03-02 (7) -> Tue 03-03 00:00 local = 03-02T16:00Z.
  CHECK(deadline(calendar, friday, "7wd") == "2026-03-02T16:00:00.000000Z");
  // Dispatched on the make-up Saturday 02-14 (the dispatch day never counts): Tue 24 (1) -> 02-24T16:00Z.
  CHECK(deadline(calendar, local("2026-02-14 15:00"), "1wd") == "2026-02-24T16:00:00.000000Z");
  // Dispatched during the holiday, Wed 02-18: Tue 24 (1) -> the same.
  CHECK(deadline(calendar, local("2026-02-18 10:00"), "1wd") == "2026-02-24T16:00:00.000000Z");
}

TEST_CASE("National Day 2026: off 10-01..10-07, Sun 09-20 and Sat 10-10 worked", "[calendar]") {
  const Calendar calendar = built();
  CHECK(working(calendar, "2026-09-20"));
  CHECK_FALSE(working(calendar, "2026-10-01"));
  CHECK_FALSE(working(calendar, "2026-10-07"));
  CHECK(working(calendar, "2026-10-10"));
  // Fri 09-18 18:00: Sat 19 weekend, Sun 20 (1, make-up) -> Mon 09-21 00:00 local = 09-20T16:00Z.
  CHECK(deadline(calendar, local("2026-09-18 18:00"), "1wd") == "2026-09-20T16:00:00.000000Z");
  // Wed 09-30 10:00: 10-01..07 off, Thu 10-08 (1) -> Fri 10-09 00:00 local = 10-08T16:00Z.
  CHECK(deadline(calendar, local("2026-09-30 10:00"), "1wd") == "2026-10-08T16:00:00.000000Z");
  // 3wd: Thu 08 (1), Fri 09 (2), Sat 10 (3, make-up) -> Sun 10-11 00:00 local = 10-10T16:00Z.
  CHECK(deadline(calendar, local("2026-09-30 10:00"), "3wd") == "2026-10-10T16:00:00.000000Z");
  // Thu 09-24 10:00, 5wd: Fri 25 .. Sun 27 off (中秋), Mon 28 (1), Tue 29 (2), Wed 30 (3), 10-01..07 off,
  // Thu 10-08 (4), Fri 10-09 (5) -> Sat 10-10 00:00 local = 10-09T16:00Z.
  CHECK(deadline(calendar, local("2026-09-24 10:00"), "5wd") == "2026-10-09T16:00:00.000000Z");
}

TEST_CASE("the make-up Sunday 2026-01-04 counts", "[calendar]") {
  const Calendar calendar = built();
  CHECK(working(calendar, "2026-01-04"));
  CHECK_FALSE(working(calendar, "2026-01-03"));
  CHECK_FALSE(working(calendar, "2026-01-11"));  // an ordinary Sunday
  // Fri 01-02 (off) 10:00: Sat 03 off, Sun 04 (1, make-up) -> Mon 01-05 00:00 local = 01-04T16:00Z.
  CHECK(deadline(calendar, local("2026-01-02 10:00"), "1wd") == "2026-01-04T16:00:00.000000Z");
  // The dispatch day need not be covered: Wed 2025-12-31 10:00, 01-01..03 off, Sun 01-04 (1) -> the same.
  CHECK(deadline(calendar, local("2025-12-31 10:00"), "1wd") == "2026-01-04T16:00:00.000000Z");
}

TEST_CASE("dates beyond the calendar are errors that say what to add", "[calendar][errors]") {
  const Calendar calendar = built();
  const TimePoint tuesday = local("2027-12-28 10:00");
  // 3wd: Wed 29 (1), Thu 30 (2), Fri 31 (3) -> 2028-01-01 00:00 local = 2027-12-31T16:00Z: the end of a covered day.
  CHECK(deadline(calendar, tuesday, "3wd") == "2027-12-31T16:00:00.000000Z");
  // 4wd needs 2028-01-01 and later, which the calendar does not cover.
  CHECK(deadline(calendar, tuesday, "4wd") ==
        "error: the calendar covers 2026-01-01..2027-12-31; a limit of 4wd from 2027-12-28 needs 2028-01-01 and "
        "later: add the holidays of 2028 to the calendar (config/calendar.yaml) and extend its covers");
  const auto limit = hub::config::parse_limit("4wd");
  CHECK(calendar.deadline(tuesday, limit.value()).status().code() == hub::StatusCode::kInvalidArgument);
  // Before the first day: Sat 2025-12-20 needs Sun 2025-12-21.
  CHECK(deadline(calendar, local("2025-12-20 10:00"), "1wd") ==
        "error: the calendar covers 2026-01-01..2027-12-31; a limit of 1wd from 2025-12-20 needs 2025-12-21: add "
        "the holidays of 2025 to the calendar (config/calendar.yaml) and extend its covers");
  const auto beyond = calendar.is_working_day(date("2028-01-03"));
  REQUIRE_FALSE(beyond.ok());
  CHECK(beyond.status().message() ==
        "the calendar covers 2026-01-01..2027-12-31, not 2028-01-03: add the holidays of 2028 to the calendar "
        "(config/calendar.yaml) and extend its covers");
  CHECK(calendar.covers(date("2027-12-31")));
  CHECK_FALSE(calendar.covers(date("2028-01-01")));
}

TEST_CASE("a calendar knows its range, its provisional years, and its weekend", "[calendar]") {
  const Calendar calendar = built();
  CHECK(calendar.first_day() == date("2026-01-01"));
  CHECK(calendar.last_day() == date("2027-12-31"));
  CHECK(calendar.provisional_years() == std::vector<int>{2027});

  CalendarConfig sundays_only = notice_2026();
  sundays_only.weekend = {7};
  const Calendar six_days = built(sundays_only);
  CHECK(working(six_days, "2026-03-14"));        // a Saturday
  CHECK_FALSE(working(six_days, "2026-03-15"));  // a Sunday
  CHECK_FALSE(working(six_days, "2026-10-03"));  // a Saturday off
}

TEST_CASE("a calendar config the loader would refuse does not build", "[calendar][errors]") {
  const auto fails = [](CalendarConfig config, const std::string& message) {
    const auto calendar = Calendar::build(config);
    REQUIRE_FALSE(calendar.ok());
    CHECK(calendar.status().code() == hub::StatusCode::kInvalidArgument);
    CHECK_THAT(calendar.status().message(), Catch::Contains(message));
  };
  CalendarConfig config = notice_2026();
  config.first_day = "2026-02-30";
  fails(config, "first day '2026-02-30' is not a date");
  config = notice_2026();
  config.last_day = "2025-12-31";
  fails(config, "covers 2026-01-01..2025-12-31 ends before it starts");
  config = notice_2026();
  config.weekend = {6, 8};
  fails(config, "weekend day 8 is not 1 (Monday) .. 7 (Sunday)");
  config = notice_2026();
  config.holidays[0].off.push_back("2028-01-01");
  fails(config, "元旦 lists 2028-01-01, outside covers 2026-01-01..2027-12-31");
  const auto zero = Calendar::build(notice_2026())->deadline(local("2026-03-02 10:00"), {});
  CHECK(zero.status().code() == hub::StatusCode::kInvalidArgument);
}

TEST_CASE("the Xinhui deployment's calendar", "[calendar][xinhui]") {
  const auto loaded = hub::config::load_deployment(std::string(HUB_SOURCE_DIR) + "/config/hub.yaml");
  REQUIRE(loaded.ok());
  REQUIRE(loaded.deployment->calendar);
  const Calendar calendar = built(*loaded.deployment->calendar);
  CHECK(calendar.first_day() == date("2026-01-01"));
  CHECK(calendar.last_day() == date("2027-12-31"));
  CHECK(calendar.provisional_years() == std::vector<int>{2027});
  // 2026, from the notice: every make-up day works, the first and last day of every holiday is off.
  for (const char* day : {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"})
    CHECK(working(calendar, day));
  for (const char* day : {"2026-01-01", "2026-01-03", "2026-02-15", "2026-02-23", "2026-04-04", "2026-04-06",
                          "2026-05-01", "2026-05-05", "2026-06-19", "2026-06-21", "2026-09-25", "2026-09-27",
                          "2026-10-01", "2026-10-07"})
    CHECK_FALSE(working(calendar, day));
  // 2027, statutory days only: Fri 01-01, Fri 02-05 .. Mon 02-08, Mon 04-05, Wed 06-09, Wed 09-15, Fri 10-01.
  for (const char* day : {"2027-01-01", "2027-02-05", "2027-02-08", "2027-04-05", "2027-06-09", "2027-09-15",
                          "2027-10-01"})
    CHECK_FALSE(working(calendar, day));
  CHECK(working(calendar, "2027-02-09"));  // Tuesday after 初三
  CHECK(working(calendar, "2027-10-04"));  // Monday after the three statutory days
}
