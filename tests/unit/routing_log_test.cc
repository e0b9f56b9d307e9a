// Lines of the routing log: what operators read.
#include <catch2/catch.hpp>

#include "log/routing_log.h"
#include "util/printable.h"
#include "util/time_format.h"

using hub::log::format_line;
using hub::store::Event;

TEST_CASE("a routing line shows case, type with its Chinese name, who to whom, and what happened", "[log]") {
  const Event routed{"routed", 42, 7, 0, "registry.fee_check", "registry", "pm.jinxiu", {{"route", "fee_check"}}};
  const std::string line = format_line("2026-11-30 09:00:00", routed, "物业费结清查询");
  CHECK_THAT(line, Catch::StartsWith("2026-11-30 09:00:00 | case 42"));
  CHECK_THAT(line, Catch::Contains("registry.fee_check 物业费结清查询"));
  CHECK_THAT(line, Catch::Contains("registry → pm.jinxiu"));
  CHECK_THAT(line, Catch::EndsWith("routed by rule fee_check"));
  const Event addressed{"routed", 43, 8, 0, "utilities.handover", "plugin:utilities", "water",
                        {{"route", "plugin"}, {"notice", false}}};
  CHECK_THAT(format_line("", addressed, ""), Catch::EndsWith("addressed by its plugin"));
  const Event sent_at_once{"routed", 44, 9, 0, "registry.fee_check", "registry", "pm.jinxiu",
                           {{"route", "fee_check"}, {"notice", true}, {"attempt", 1}}};
  CHECK_THAT(format_line("", sent_at_once, ""), Catch::EndsWith("routed by rule fee_check (notice), delivered (attempt 1)"));
}

TEST_CASE("local time for people is UTC+8 to the minute", "[log][time]") {
  const hub::TimePoint midnight_utc{std::chrono::seconds(1796083200)};  // 2026-12-01T00:00:00Z
  CHECK(hub::to_local_minutes(midnight_utc) == "2026-12-01 08:00");
  CHECK(hub::to_local_minutes(midnight_utc - std::chrono::hours(8)) == "2026-12-01 00:00");
}

TEST_CASE("a rejection lists every problem, a directory change says from when", "[log]") {
  const Event rejected{"rejected", 0, 0, 0, "court.arrears_referral", "pm.jinxiu", "",
                       {{"code", "invalid_payload"},
                        {"problems", {{{"pointer", "/reminders"}, {"reason", "no written reminder"}},
                                      {{"pointer", "/claim/total_yuan"}, {"reason", "does not add up"}}}}}};
  CHECK_THAT(format_line("", rejected, ""),
             Catch::EndsWith("rejected: invalid_payload [/reminders no written reminder] [/claim/total_yuan does not add up]"));

  const Event custody{"directory_changed", 9, 0, 0, "utilities.company_exit", "plugin:utilities", "",
                      {{"compound", "gongxiao"}, {"field", "custodian"}, {"unit", "sd.huizhou"},
                       {"effective_from", "2026-11-30T16:00:00.000000Z"}, {"effective_from_local", "2026-12-01 00:00"}}};
  CHECK_THAT(format_line("", custody, ""),
             Catch::EndsWith("directory: gongxiao custodian is sd.huizhou from 2026-12-01 00:00"));
  const Event cleared{"directory_changed", 9, 0, 0, "", "plugin:utilities", "",
                      {{"compound", "gongxiao"}, {"field", "company"}, {"unit", ""}, {"effective_from", "x"}}};
  CHECK_THAT(format_line("", cleared, ""), Catch::EndsWith("directory: gongxiao company is nobody from x"));
}

TEST_CASE("a unit's text cannot forge a routing line or reach the terminal as a control sequence", "[log]") {
  const Event forged{"rejected", 0, 0, 0, "x\n2026-11-30 09:00:00 | case 1 | forged", "pm.jinxiu", "",
                     {{"code", "unknown_case_type"}, {"message", "red \x1b[31m and \xc2\x9b, bidi \xe2\x80\xae, \x7f"}}};
  const std::string line = format_line("", forged, "");
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.find('\x1b') == std::string::npos);
  CHECK(line.find('\x7f') == std::string::npos);
  CHECK(line.find("\xc2\x9b") == std::string::npos);
  CHECK(line.find("\xe2\x80\xae") == std::string::npos);
  CHECK_THAT(line, Catch::Contains("x\\n2026-11-30"));
  CHECK_THAT(line, Catch::Contains("\\x1b[31m"));
  CHECK_THAT(line, Catch::Contains("\\u{009B}"));
  CHECK_THAT(line, Catch::Contains("\\u{202E}"));
}

TEST_CASE("printable text keeps Chinese and the hub's arrows, printable JSON stays the same JSON", "[log]") {
  CHECK(hub::printable("物业 → 法院 … ok") == "物业 → 法院 … ok");
  CHECK(hub::printable("tab\there") == "tab\\there");
  CHECK(hub::printable("\xff bad") == "\\xff bad");
  const hub::Json j{{"note", "a\x7f\xe2\x80\xae b \xe2\x80\xa8 投诉"}};
  const std::string shown = hub::printable_json(j.dump());
  CHECK(shown.find('\x7f') == std::string::npos);
  CHECK(hub::Json::parse(shown) == j);
}
