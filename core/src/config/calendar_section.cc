// Reader of the calendar: section (see sections.h and loader.h).
#include <map>

#include "config/sections.h"
#include "util/time_format.h"

namespace hub::config {
namespace {

using std::chrono::sys_days;

const std::vector<std::string> kWeekdays = {"monday", "tuesday", "wednesday", "thursday",
                                            "friday", "saturday", "sunday"};  // ISO order, 1..7
constexpr int kLongestHoliday = 366;  // days in one off/work range

std::string weekday_name(sys_days date) {
  return kWeekdays[std::chrono::weekday(date).iso_encoding() - 1];
}

int year_of(sys_days date) { return static_cast<int>(std::chrono::year_month_day(date).year()); }

// What has been read of one calendar: section, for the checks of later keys.
struct CalendarReading {
  CalendarConfig& config;
  const YamlNode& section;
  std::optional<sys_days> first, last;  // set when covers is valid
  struct Listed {
    bool off;
    SourceLocation where;
  };
  std::map<sys_days, Listed> listed;  // each date of off/work, where it is first listed

  bool covers(sys_days date) const { return first && date >= *first && date <= *last; }
  std::string covered_text() const { return config.first_day + ".." + config.last_day; }
};

std::optional<sys_days> parse_date(const YamlNode& node, std::string_view text) {
  const auto date = parse_iso_date(text);
  if (!date)
    node.error("'" + std::string(text) + "' is not a date (expected YYYY-MM-DD, a day that exists, e.g. 2026-10-01)");
  return date;
}

// A date, or a range "a..b" with a on or before b, as its first and last day.
std::optional<std::pair<sys_days, sys_days>> read_dates(const YamlNode& node) {
  const auto text = node.string();
  if (!text) return std::nullopt;
  const std::size_t dots = text->find("..");
  const auto a = parse_date(node, std::string_view(*text).substr(0, dots));
  const auto b = dots == std::string::npos ? a : parse_date(node, std::string_view(*text).substr(dots + 2));
  if (!a || !b) return std::nullopt;
  if (*a > *b) {
    node.error("the range '" + *text + "' ends before it starts (expected a..b with a on or before b)");
    return std::nullopt;
  }
  return std::pair{*a, *b};
}

void read_covers(const YamlNode& node, CalendarReading& r) {
  const auto text = node.string();
  if (!text) return;
  if (text->find("..") == std::string::npos) {
    node.error("expected the dates covered as first..last, e.g. 2026-01-01..2027-12-31");
    return;
  }
  const auto range = read_dates(node);
  if (!range) return;
  r.first = range->first;
  r.last = range->second;
  r.config.first_day = to_iso_date(range->first);
  r.config.last_day = to_iso_date(range->second);
}

void read_weekend(const YamlNode& node, CalendarConfig& config) {
  const auto items = node.list();
  if (!items) return;
  config.weekend.clear();
  for (const YamlNode& item : *items) {
    const auto name = item.string();
    if (!name) continue;
    const auto known = std::find(kWeekdays.begin(), kWeekdays.end(), *name);
    if (known == kWeekdays.end()) {
      item.error("unknown day '" + *name + "'" + did_you_mean(*name, kWeekdays) + "; expected one of " +
                 join(kWeekdays));
      continue;
    }
    const int number = static_cast<int>(known - kWeekdays.begin()) + 1;
    if (std::find(config.weekend.begin(), config.weekend.end(), number) != config.weekend.end())
      item.error("'" + *name + "' is written twice (expected each weekend day once)");
    else
      config.weekend.push_back(number);
  }
}

// {year, source, provisional?}: where a year's holidays come from.
void read_year(const YamlNode& node, CalendarReading& r, std::map<int, SourceLocation>& seen) {
  const auto map = node.map({"year", "source", "provisional"}, {"year", "source"});
  if (!map) return;
  CalendarConfig::Year year;
  const auto year_node = map->get("year");
  if (const auto value = year_node ? year_node->integer(1970, 9999) : std::nullopt)
    year.year = static_cast<int>(*value);
  if (const auto source = map->get("source"); source && source->string()) {
    year.source = *source->string();
    if (year.source.empty()) source->error("empty source (expected the notice the holidays come from, with its date)");
  }
  if (const auto provisional = map->get("provisional"))
    if (const auto value = provisional->boolean()) year.provisional = *value;
  if (year.year == 0) return;
  if (const auto [first, inserted] = seen.emplace(year.year, year_node->where()); !inserted)
    year_node->error("year " + std::to_string(year.year) + " is already given at " + place(first->second) +
                     " (expected one entry per year)");
  if (r.first && (year.year < year_of(*r.first) || year.year > year_of(*r.last)))
    year_node->warning("year " + std::to_string(year.year) + " is outside covers (" + r.covered_text() +
                       "): its holidays cannot be listed; extend covers or remove the entry");
  if (year.provisional)
    node.warning("the holidays of " + std::to_string(year.year) + " are provisional (" + year.source +
                 "): working-day deadlines in " + std::to_string(year.year) +
                 " count only the days listed; when the State Council's arrangement for " +
                 std::to_string(year.year) + " is published, replace its entries under calendar.holidays, remove "
                 "'provisional: true', check with 'hubd --check-config' and restart hubd");
  r.config.years.push_back(std::move(year));
}

// Every covered year says where its holidays come from.
void check_years_named(const CalendarReading& r, const std::optional<YamlNode>& years_node,
                       const std::map<int, SourceLocation>& seen) {
  if (!r.first) return;
  for (int year = year_of(*r.first); year <= year_of(*r.last); ++year) {
    if (seen.contains(year)) continue;
    const std::string y = std::to_string(year);
    const std::string message = "the calendar covers " + y + " (covers: " + r.covered_text() +
                                ") but does not say where the holidays of " + y + " come from: add {year: " + y +
                                ", source: \"<the notice>\"} under calendar.years (with provisional: true while the "
                                "official arrangement is not published)";
    if (years_node)
      years_node->error(message);
    else
      r.section.diagnostics().error(r.section.where(), r.section.key() + ".years", message);
  }
}

// The dates of one holiday's off: or work: list, each a date or a range a..b.
void read_holiday_dates(const YamlMap& map, const std::string& field, CalendarReading& r,
                        std::vector<std::string>& out) {
  const auto node = map.get(field);
  const auto items = node ? node->one_or_list() : std::nullopt;
  if (!items) return;
  const bool off = field == "off";
  for (const YamlNode& item : *items) {
    const auto range = read_dates(item);
    if (!range) continue;
    const std::string text = *item.string();
    if (r.first && (!r.covers(range->first) || !r.covers(range->second))) {
      item.error("'" + text + "' is outside the dates the calendar covers (" + r.covered_text() +
                 "); expected dates within them, or extend covers");
      continue;
    }
    if ((range->second - range->first).count() >= kLongestHoliday) {
      item.error("the range '" + text + "' is longer than a year (expected the days of one holiday)");
      continue;
    }
    for (sys_days date = range->first; date <= range->second; date += std::chrono::days(1)) {
      const auto [earlier, inserted] = r.listed.emplace(date, CalendarReading::Listed{off, item.where()});
      if (!inserted && earlier->second.off != off)
        item.error(to_iso_date(date) + " is already listed as a " + (off ? "working day" : "day off") + " at " +
                   place(earlier->second.where) + " (expected each date either off or work, not both)");
      const int weekday = static_cast<int>(std::chrono::weekday(date).iso_encoding());
      const auto& weekend = r.config.weekend;
      if (!off && std::find(weekend.begin(), weekend.end(), weekday) == weekend.end())
        item.warning(to_iso_date(date) + " is a " + weekday_name(date) +
                     ", a working day anyway (expected make-up working days on weekend days)");
      out.push_back(to_iso_date(date));
    }
  }
}

void read_holiday(const YamlNode& node, CalendarReading& r) {
  CalendarConfig::Holiday holiday;
  holiday.where = node.where();
  const auto map = node.map({"name", "off", "work"}, {"name"});
  if (map) {
    holiday.name = read_display_name(*map, "name");
    read_holiday_dates(*map, "off", r, holiday.off);
    read_holiday_dates(*map, "work", r, holiday.work);
    if (!map->get("off") && !map->get("work"))
      node.error("a holiday with neither off nor work dates (expected off: [dates or ranges a..b], and work: "
                 "[dates] for the weekend days worked in exchange)");
  }
  r.config.holidays.push_back(std::move(holiday));
}

}  // namespace

void read_calendar(const YamlNode& node, LoadContext& ctx) {
  if (const auto& first = ctx.deployment.calendar) {
    node.error("a second calendar: section; the first is at " + place(first->where) +
               " (expected one calendar for the whole deployment)");
    return;
  }
  CalendarConfig& config = ctx.deployment.calendar.emplace();
  config.where = node.where();
  const auto map = node.map({"covers", "weekend", "years", "holidays"}, {"covers"});
  if (!map) return;
  CalendarReading reading{config, node, std::nullopt, std::nullopt, {}};
  if (const auto covers = map->get("covers")) read_covers(*covers, reading);
  if (const auto weekend = map->get("weekend")) read_weekend(*weekend, config);
  std::map<int, SourceLocation> years;
  const auto years_node = map->get("years");
  if (years_node) for_each_item(*years_node, [&](const YamlNode& item) { read_year(item, reading, years); });
  check_years_named(reading, years_node, years);
  if (const auto holidays = map->get("holidays"))
    for_each_item(*holidays, [&](const YamlNode& item) { read_holiday(item, reading); });
}

}  // namespace hub::config
