// lifecycle/calendar.h: the working-day calendar, compiled from config, and
// the deadlines it gives.
//
// Dates are local calendar dates (Asia/Shanghai, UTC+8, no daylight saving) as
// std::chrono::sys_days (see util/time_format.h). A date is a working day when
// the config lists it as a make-up working day (work), else not when it lists
// it as a day off (off), else when its weekday is not a weekend day.
//
// A Calendar never guesses: a date outside [first_day(), last_day()] is an
// error, whose message says which dates are needed and what to add.
//
// Thread-safety: immutable once built; const methods may be called from many
// threads at once.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "config/model.h"
#include "hub/clock.h"
#include "util/result.h"

namespace hub::lifecycle {

class Calendar {
 public:
  // InvalidArgument when a date is malformed or outside the covered range, the
  // range is reversed, or a weekend day is not 1..7. A config the loader
  // accepted always builds.
  static Result<Calendar> build(const config::CalendarConfig& config);

  std::chrono::sys_days first_day() const { return first_; }
  std::chrono::sys_days last_day() const { return last_; }
  // Years whose holidays are provisional (the official arrangement is not out), ascending.
  const std::vector<int>& provisional_years() const { return provisional_years_; }

  bool covers(std::chrono::sys_days date) const { return date >= first_ && date <= last_; }
  // InvalidArgument when the date is not covered.
  Result<bool> is_working_day(std::chrono::sys_days date) const;

  // When a limit counted from `from` (the dispatch) ends:
  //   hours:  from + N hours (the calendar is not consulted);
  //   N wd:   00:00 local time after the Nth working day following the local
  //           date of `from` (the dispatch day itself never counts), i.e. the
  //           end of that working day.
  // InvalidArgument when a date the count needs is not covered, naming the
  // dates and what to add; or when the amount is below 1 or above a century of hours.
  Result<TimePoint> deadline(TimePoint from, const config::Limit& limit) const;

 private:
  Calendar() = default;
  // `purpose` says what needed the date, e.g. "a limit of 5wd from 2027-12-28"; may be empty.
  Status not_covered(std::chrono::sys_days needed, const std::string& purpose) const;

  std::chrono::sys_days first_{};
  std::chrono::sys_days last_{};
  std::vector<bool> working_;  // by days since first_
  std::vector<int> provisional_years_;
  std::string file_;  // where the calendar is configured, for messages; may be empty
};

}  // namespace hub::lifecycle
