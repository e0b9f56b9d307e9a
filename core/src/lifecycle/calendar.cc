#include "lifecycle/calendar.h"

#include <algorithm>

#include "util/time_format.h"

namespace hub::lifecycle {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

constexpr int kMaxHours = 100 * 366 * 24;  // keeps from + N hours far from the clock's range

int year_of(sys_days date) { return static_cast<int>(std::chrono::year_month_day(date).year()); }

Result<sys_days> date_in(const std::string& text, const std::string& what) {
  if (const auto date = parse_iso_date(text)) return *date;
  return Status::InvalidArgument("calendar: " + what + " '" + text + "' is not a date (expected YYYY-MM-DD)");
}

}  // namespace

Result<Calendar> Calendar::build(const config::CalendarConfig& config) {
  Calendar calendar;
  auto first = date_in(config.first_day, "first day");
  if (!first.ok()) return first.status();
  auto last = date_in(config.last_day, "last day");
  if (!last.ok()) return last.status();
  if (*last < *first)
    return Status::InvalidArgument("calendar: covers " + config.first_day + ".." + config.last_day +
                                   " ends before it starts");
  calendar.first_ = *first;
  calendar.last_ = *last;
  calendar.file_ = config.where.file;

  std::vector<bool> weekend(8, false);  // by ISO weekday
  for (int day : config.weekend) {
    if (day < 1 || day > 7)
      return Status::InvalidArgument("calendar: weekend day " + std::to_string(day) +
                                     " is not 1 (Monday) .. 7 (Sunday)");
    weekend[day] = true;
  }
  for (sys_days date = *first; date <= *last; date += days(1))
    calendar.working_.push_back(!weekend[std::chrono::weekday(date).iso_encoding()]);

  // Days off first, then make-up days: a date in both lists works.
  for (const bool off : {true, false})
    for (const config::CalendarConfig::Holiday& holiday : config.holidays)
      for (const std::string& text : off ? holiday.off : holiday.work) {
        auto date = date_in(text, holiday.name + (off ? " off" : " work"));
        if (!date.ok()) return date.status();
        if (!calendar.covers(*date))
          return Status::InvalidArgument("calendar: " + holiday.name + " lists " + text + ", outside covers " +
                                         config.first_day + ".." + config.last_day);
        calendar.working_[static_cast<std::size_t>((*date - *first).count())] = !off;
      }

  for (const config::CalendarConfig::Year& year : config.years)
    if (year.provisional) calendar.provisional_years_.push_back(year.year);
  std::sort(calendar.provisional_years_.begin(), calendar.provisional_years_.end());
  return calendar;
}

Result<bool> Calendar::is_working_day(sys_days date) const {
  if (!covers(date)) return not_covered(date, "");
  return static_cast<bool>(working_[static_cast<std::size_t>((date - first_).count())]);
}

Result<TimePoint> Calendar::deadline(TimePoint from, const config::Limit& limit) const {
  if (limit.amount < 1)
    return Status::InvalidArgument("limit '" + limit.text + "' has no positive amount (expected N >= 1)");
  if (limit.kind == config::Limit::Kind::kHours) {
    if (limit.amount > kMaxHours)
      return Status::InvalidArgument("limit '" + limit.text + "' is longer than a century (expected at most " +
                                     std::to_string(kMaxHours) + "h)");
    return from + std::chrono::hours(limit.amount);
  }
  const sys_days dispatched = local_date_of(from);
  sys_days date = dispatched;
  for (int counted = 0; counted < limit.amount;) {
    date += days(1);
    if (!covers(date))
      return not_covered(date, "a limit of " + limit.text + " from " + to_iso_date(dispatched));
    if (working_[static_cast<std::size_t>((date - first_).count())]) ++counted;
  }
  return start_of_local_day(date + days(1));
}

// "the calendar covers A..B; <purpose> needs D and later: add the holidays of
// Y to the calendar (<file>) and extend its covers"; without a purpose, "...
// covers A..B, not D: add ...".
Status Calendar::not_covered(sys_days needed, const std::string& purpose) const {
  const std::string covered = "the calendar covers " + to_iso_date(first_) + ".." + to_iso_date(last_);
  const std::string what = purpose.empty() ? covered + ", not " + to_iso_date(needed)
                                           : covered + "; " + purpose + " needs " + to_iso_date(needed) +
                                                 (needed > last_ ? " and later" : "");
  return Status::InvalidArgument(what + ": add the holidays of " + std::to_string(year_of(needed)) +
                                 " to the calendar" + (file_.empty() ? "" : " (" + file_ + ")") +
                                 " and extend its covers");
}

}  // namespace hub::lifecycle
