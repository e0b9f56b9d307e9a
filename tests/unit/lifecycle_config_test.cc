// Tests of the calendar: and lifecycle: sections of config/loader.h: what
// they load, and one small deployment per class of mistake, each checked for
// file, line, column, key and message.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config_test_support.h"
#include "lifecycle/calendar.h"

using namespace config_test;
using hub::config::Target;

namespace {

const char* const kCalendar = R"(calendar:
  covers: 2026-01-01..2026-12-31
  years:
    - {year: 2026, source: "国务院办公厅关于2026年部分节假日安排的通知（2025-11-04）"}
  holidays:
    - name: 元旦
      off: [2026-01-01..2026-01-03]
      work: [2026-01-04]
)";

const char* const kLifecycle = R"(lifecycle:
  remind_at: 80%
  escalation_step: 2wd
  return_deciders: [compound.subdistrict, sd.a]
  chains:
    - receivers: ["pm.*", community.a]
      escalate_to: [compound.community, sd.a]
      extensions_by: compound.subdistrict
    - receivers: [sd.a]
      escalate_to: []
  default: {escalate_to: [sd.a], extensions_by: sd.a}
)";

bool same(const Target& target, Target::Kind kind, const std::string& value) {
  return target.kind == kind && target.value == value;
}

}  // namespace

TEST_CASE("a calendar and a lifecycle load into the deployment", "[config][lifecycle]") {
  Scenario scenario;
  const LoadResult result = scenario.load(std::string(kCalendar) + kLifecycle);
  INFO(listing(result.errors) + listing(result.warnings));
  REQUIRE(result.ok());
  CHECK(result.warnings.empty());
  const auto& calendar = *result.deployment->calendar;
  CHECK(calendar.first_day == "2026-01-01");
  CHECK(calendar.last_day == "2026-12-31");
  CHECK(calendar.weekend == std::vector<int>{6, 7});
  REQUIRE(calendar.years.size() == 1);
  CHECK(calendar.years[0].year == 2026);
  CHECK_FALSE(calendar.years[0].provisional);
  REQUIRE(calendar.holidays.size() == 1);
  CHECK(calendar.holidays[0].name == "元旦");
  CHECK(calendar.holidays[0].off == std::vector<std::string>{"2026-01-01", "2026-01-02", "2026-01-03"});
  CHECK(calendar.holidays[0].work == std::vector<std::string>{"2026-01-04"});
  CHECK(calendar.holidays[0].where.line == scenario.in_extra("name: 元旦").line);
  CHECK(hub::lifecycle::Calendar::build(calendar).ok());

  const auto& lifecycle = *result.deployment->lifecycle;
  CHECK(lifecycle.remind_at_percent == 80);
  CHECK(lifecycle.escalation_step.kind == Limit::Kind::kWorkingDays);
  CHECK(lifecycle.escalation_step.amount == 2);
  REQUIRE(lifecycle.return_deciders.size() == 2);
  CHECK(same(lifecycle.return_deciders[0], Target::Kind::kRole, "subdistrict"));
  CHECK(same(lifecycle.return_deciders[1], Target::Kind::kUnit, "sd.a"));
  REQUIRE(lifecycle.chains.size() == 2);
  const auto& first = lifecycle.chains[0];
  CHECK(first.receivers == std::vector<std::string>{"community.a"});
  CHECK(first.receiver_patterns == std::vector<std::string>{"pm."});
  REQUIRE(first.escalate_to.size() == 2);
  CHECK(same(first.escalate_to[0], Target::Kind::kRole, "community"));
  CHECK(same(first.escalate_to[1], Target::Kind::kUnit, "sd.a"));
  REQUIRE(first.extensions_by);
  CHECK(same(*first.extensions_by, Target::Kind::kRole, "subdistrict"));
  CHECK(lifecycle.chains[1].escalate_to.empty());  // the top of a chain
  CHECK_FALSE(lifecycle.chains[1].extensions_by);  // nobody grants extensions
  REQUIRE(lifecycle.default_chain);
  CHECK(lifecycle.default_chain->receivers.empty());
  REQUIRE(lifecycle.default_chain->escalate_to.size() == 1);
  CHECK(same(*lifecycle.default_chain->extensions_by, Target::Kind::kUnit, "sd.a"));
}

TEST_CASE("without the sections, a deployment has no calendar and no lifecycle", "[config][lifecycle]") {
  Scenario scenario;
  const LoadResult result = scenario.load("");
  REQUIRE(result.ok());
  CHECK_FALSE(result.deployment->calendar);
  CHECK_FALSE(result.deployment->lifecycle);
}

TEST_CASE("calendar dates: malformed, reversed, outside covers, both off and work", "[config][errors][calendar]") {
  Scenario scenario;
  const std::string text = R"(calendar:
  covers: 2026-01-01..2026-12-31
  years:
    - {year: 2026, source: "国务院通知"}
    - {year: 2026, source: "again"}
  holidays:
    - name: 元旦
      off: [2026-01-01..2026-01-03, 2026-02-30]
      work: [2026-01-04, 2026-01-02]
    - name: 春节
      off: [2026-02-23..2026-02-15, 2027-01-01]
      work: [2026-03-04]
    - name: 空
)";
  const LoadResult result = scenario.load(text);
  const auto first_2026 = scenario.in_extra("2026", "years:");
  check_error(result, "calendar.years[1].year", scenario.in_extra("2026", "国务院通知\"}"),
              "year 2026 is already given at " + scenario.extra + ":" + std::to_string(first_2026.line) + ":");
  check_error(result, "calendar.holidays[0].off[1]", scenario.in_extra("2026-02-30"),
              "'2026-02-30' is not a date (expected YYYY-MM-DD");
  const auto off_range = scenario.in_extra("2026-01-01..2026-01-03");
  check_error(result, "calendar.holidays[0].work[1]", scenario.in_extra("2026-01-02]"),
              "2026-01-02 is already listed as a day off at " + scenario.extra + ":" + std::to_string(off_range.line) +
                  ":" + std::to_string(off_range.column) + " (expected each date either off or work, not both)");
  check_error(result, "calendar.holidays[1].off[0]", scenario.in_extra("2026-02-23..2026-02-15"),
              "the range '2026-02-23..2026-02-15' ends before it starts (expected a..b with a on or before b)");
  check_error(result, "calendar.holidays[1].off[1]", scenario.in_extra("2027-01-01"),
              "'2027-01-01' is outside the dates the calendar covers (2026-01-01..2026-12-31)");
  check_error(result, "calendar.holidays[2]", scenario.in_extra("name: 空"), "a holiday with neither off nor work");
  CHECK(result.errors.size() == 6);

  // A make-up working day on a weekday changes nothing: a warning.
  const ConfigError& weekday = problem_at(result.warnings, "calendar.holidays[1].work[0]");
  CHECK(weekday.where.line == scenario.in_extra("2026-03-04").line);
  CHECK(weekday.message == "2026-03-04 is a wednesday, a working day anyway (expected make-up working days on "
                           "weekend days)");
  CHECK_THAT(problem_at(result.warnings, "calendar.holidays[0].work[1]").message,
             Catch::StartsWith("2026-01-02 is a friday"));
  CHECK(result.warnings.size() == 2);
}

TEST_CASE("calendar: covers, weekend and where each year's holidays come from", "[config][errors][calendar]") {
  Scenario scenario;
  const std::string text = R"(calendar:
  covers: 2026-01-01..2027-12-31
  weekend: [saturday, sundy]
  years:
    - {year: 2026, source: "国务院通知", provisional: maybe}
    - {year: 2027, source: "《全国年节及纪念日放假办法》", provisional: true}
    - {year: 2028, source: "later"}
)";
  const LoadResult result = scenario.load(text);
  check_error(result, "calendar.weekend[1]", scenario.in_extra("sundy"),
              "unknown day 'sundy' (did you mean 'sunday'?); expected one of monday, tuesday");
  check_error(result, "calendar.years[0].provisional", scenario.in_extra("maybe"),
              "expected true or false, found 'maybe'");
  CHECK(result.errors.size() == 2);
  const ConfigError& provisional = problem_at(result.warnings, "calendar.years[1]");
  CHECK(provisional.where.line == scenario.in_extra("{year: 2027").line);
  CHECK_THAT(provisional.message, Catch::StartsWith("the holidays of 2027 are provisional (《全国年节及纪念日放假办法》)"));
  CHECK_THAT(provisional.message, Catch::Contains("remove 'provisional: true', check with 'hubd --check-config'"));
  CHECK_THAT(problem_at(result.warnings, "calendar.years[2].year").message,
             Catch::StartsWith("year 2028 is outside covers (2026-01-01..2027-12-31)"));

  const LoadResult unnamed = scenario.load(R"(calendar:
  covers: 2026-01-01..2027-12-31
  years: [{year: 2026, source: "国务院通知"}]
)");
  check_error(unnamed, "calendar.years", scenario.in_extra("[{year"),
              "the calendar covers 2027 (covers: 2026-01-01..2027-12-31) but does not say where the holidays of "
              "2027 come from: add {year: 2027, source: \"<the notice>\"} under calendar.years");
  CHECK(unnamed.errors.size() == 1);

  const LoadResult no_years = scenario.load("calendar:\n  covers: 2026-01-01\n");
  check_error(no_years, "calendar.covers", scenario.in_extra("2026-01-01"),
              "expected the dates covered as first..last, e.g. 2026-01-01..2027-12-31");
  CHECK(no_years.errors.size() == 1);  // no valid range: no year to name

  const LoadResult nothing = scenario.load("calendar:\n  covers: 2026-03-01..2026-03-31\n");
  check_error(nothing, "calendar.years", scenario.in_extra("covers"), "does not say where the holidays of 2026");
}

TEST_CASE("calendar: and lifecycle: appear once in the whole deployment", "[config][errors][lifecycle]") {
  TempDir dir;
  const std::string top = dir.write("hub.yaml", base_config(generated_key(), "a.yaml, b.yaml"));
  const std::string a_text = std::string(kCalendar) + kLifecycle;
  const std::string a = dir.write("a.yaml", a_text);
  const std::string b_text = std::string(kCalendar) + kLifecycle;
  const std::string b = dir.write("b.yaml", b_text);
  const LoadResult result = load_deployment(top);
  const auto first_calendar = position_of(a, a_text, "covers");
  const auto first_lifecycle = position_of(a, a_text, "remind_at");
  check_error(result, "calendar", position_of(b, b_text, "covers"),
              "a second calendar: section; the first is at " + a + ":" + std::to_string(first_calendar.line) + ":" +
                  std::to_string(first_calendar.column) + " (expected one calendar for the whole deployment)");
  check_error(result, "lifecycle", position_of(b, b_text, "remind_at"),
              "a second lifecycle: section; the first is at " + a + ":" + std::to_string(first_lifecycle.line) + ":" +
                  std::to_string(first_lifecycle.column));
  CHECK(result.errors.size() == 2);
}

TEST_CASE("lifecycle: shares, limits, targets, receivers and the default", "[config][errors][lifecycle]") {
  Scenario scenario;
  const std::string text = R"(lifecycle:
  remind_at: 100%
  escalation_step: 1d
  return_deciders: [compound.subdistrict]
  chains:
    - receivers: ["pm.*", community.a]
      escalate_to: [compound.communty, sd.b]
      extensions_by: compound.subdistrict
    - receivers: [pm.a, "qq.*", nobody]
      escalate_to: [sd.a]
      extensions_by: compound.owner
    - receivers: []
      escalate_to: [sd.a]
)";
  const LoadResult result = scenario.load(text);
  check_error(result, "lifecycle.remind_at", scenario.in_extra("100%"),
              "a whole percentage from 1% to 99%, e.g. 75%; found '100%'");
  check_error(result, "lifecycle.escalation_step", scenario.in_extra("1d"), "invalid limit '1d'");
  check_error(result, "lifecycle.chains[0].escalate_to[0]", scenario.in_extra("compound.communty"),
              "unknown role 'compound.communty' (did you mean 'compound.community'?)");
  check_error(result, "lifecycle.chains[0].escalate_to[1]", scenario.in_extra("sd.b"), "unknown unit 'sd.b'");
  check_error(result, "lifecycle.chains[1].receivers[1]", scenario.in_extra("\"qq.*\""),
              "receiver pattern 'qq.*' matches no unit (expected a unit id, or a prefix of unit ids followed by '*'");
  check_error(result, "lifecycle.chains[1].receivers[2]", scenario.in_extra("nobody"), "unknown unit 'nobody'");
  check_error(result, "lifecycle.chains[1].extensions_by", scenario.in_extra("compound.owner"),
              "unknown role 'compound.owner'");
  check_error(result, "lifecycle.chains[2].receivers", scenario.in_extra("[]"), "no receivers");
  check_error(result, "lifecycle.default", scenario.in_extra("remind_at"),
              "no default chain, and every receiver needs one (expected default: {escalate_to: [<levels>]");
  CHECK(result.errors.size() == 9);

  const ConfigError& shadowed = problem_at(result.warnings, "lifecycle.chains[1].receivers[0]");
  const auto pattern = scenario.in_extra("\"pm.*\"");
  CHECK(shadowed.where.line == scenario.in_extra("pm.a").line);
  CHECK(shadowed.message == "'pm.a' is already matched by 'pm.*' at " + scenario.extra + ":" +
                                std::to_string(pattern.line) + ":" + std::to_string(pattern.column) +
                                " in an earlier rule; the first rule whose receivers match decides, so this entry "
                                "never applies");
  CHECK_THAT(problem_at(result.warnings, "lifecycle.return_deciders").message,
             Catch::StartsWith("every return decider is a role of the case's compound"));
  CHECK(result.warnings.size() == 2);
}

TEST_CASE("a limit in working days needs a calendar", "[config][errors][lifecycle]") {
  Scenario scenario;
  const std::string text = R"(case_types:
  - {id: notice.general, name: 工作通知, plugin: generic, sign_limit: 4h, resolve_limit: 5wd}
routes: [{id: notices, match: {type: notice.general}, to: [compound.community]}]
lifecycle:
  default: {escalate_to: [sd.a]}
)";
  const LoadResult result = scenario.load(text);
  check_error(result, "case_types[0].resolve_limit", scenario.in_extra("5wd"),
              "the limit 5wd counts working days, and the deployment has no calendar: (expected a calendar: section");
  check_error(result, "lifecycle.escalation_step", scenario.in_extra("default"),
              "the limit 1wd (the default) counts working days");
  CHECK(result.errors.size() == 2);

  // In hours, no calendar is needed; with a calendar, working days are fine.
  const LoadResult hours = scenario.load(R"(lifecycle:
  escalation_step: 8h
  default: {escalate_to: [sd.a]}
)");
  INFO(listing(hours.errors));
  CHECK(hours.ok());
  const LoadResult with_calendar = scenario.load(std::string(kCalendar) + text);
  INFO(listing(with_calendar.errors));
  CHECK(with_calendar.ok());
}

TEST_CASE("the Xinhui deployment's calendar and escalation chains", "[config][lifecycle][xinhui]") {
  const LoadResult result = load_deployment(real_config());
  INFO(listing(result.errors));
  REQUIRE(result.ok());
  const auto& d = *result.deployment;
  REQUIRE(d.calendar);
  CHECK(d.calendar->first_day == "2026-01-01");
  CHECK(d.calendar->last_day == "2027-12-31");
  const std::string calendar_file = std::string(HUB_SOURCE_DIR) + "/config/calendar.yaml";
  const ConfigError& provisional = problem_at(result.warnings, "calendar.years[1]");
  CHECK(provisional.where.file == calendar_file);
  CHECK_THAT(provisional.message, Catch::StartsWith("the holidays of 2027 are provisional"));

  REQUIRE(d.lifecycle);
  const auto& lifecycle = *d.lifecycle;
  CHECK(lifecycle.remind_at_percent == 75);
  CHECK(lifecycle.escalation_step.text == "1wd");
  REQUIRE(lifecycle.return_deciders.size() == 2);
  CHECK(same(lifecycle.return_deciders[1], Target::Kind::kUnit, "lg.office"));
  // The chain of a receiver: the first rule naming it or a prefix of it, else the default.
  const auto chain_of = [&](const std::string& unit) -> const hub::config::EscalationRule& {
    for (const auto& rule : lifecycle.chains) {
      for (const auto& id : rule.receivers)
        if (id == unit) return rule;
      for (const auto& prefix : rule.receiver_patterns)
        if (unit.starts_with(prefix)) return rule;
    }
    return *lifecycle.default_chain;
  };
  const auto levels = [&](const std::string& unit) {
    std::vector<std::string> out;
    for (const Target& level : chain_of(unit).escalate_to)
      out.push_back(level.kind == Target::Kind::kRole ? "compound." + level.value : level.value);
    return out;
  };
  using Levels = std::vector<std::string>;
  for (const char* unit : {"pm.jinxiu", "team.jinxiu", "oc.yujingyuan"})
    CHECK(levels(unit) == Levels{"compound.community", "compound.subdistrict", "lg.office"});
  CHECK(levels("community.jianshe") == Levels{"compound.subdistrict", "lg.office"});
  for (const char* unit : {"sd.xinzhou", "town.xinhui", "zg.zone07", "court", "market", "cgj", "zjj"})
    CHECK(levels(unit) == Levels{"lg.office"});
  CHECK(levels("cgj.zone07") == Levels{"cgj", "lg.office"});
  for (const char* unit : {"water", "power", "heating", "gas", "telecom.unicom", "cable"})
    CHECK(levels(unit) == Levels{"zjj", "lg.office"});
  CHECK(levels("lg.office").empty());
  CHECK_FALSE(chain_of("lg.office").extensions_by);
  CHECK(chain_of("cgj.zone07").extensions_by->value == "cgj");
}
