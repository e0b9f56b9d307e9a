// The registry's case types as data and their rules: fee check payloads, the
// replies that answer them, and the reminders the plugin raises.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>

#include "fee_check.h"
#include "registry_plugin.h"
#include "settlement_reminder.h"

using hub::Json;
using hub::Problems;
using namespace hub::registry;

namespace {

// pointer → reason; a pointer listed twice would hide a problem, so it fails.
std::map<std::string, std::string> by_pointer(const Problems& problems) {
  std::map<std::string, std::string> out;
  for (const auto& p : problems) {
    INFO("pointer " << p.pointer << ": " << p.reason);
    CHECK(out.emplace(p.pointer, p.reason).second);
  }
  return out;
}

hub::CaseView fee_check(Json payload, std::string compound = "jinxiu") {
  return {0, std::string(kFeeCheck), "registry", "REG-1", std::move(compound), std::move(payload)};
}

Json valid_payload() {
  return {{"dwelling", "3-2-501"}, {"seller", "张三"}, {"buyer", "李四"}, {"application_id", "BDC-2026-0001"}};
}

hub::ReplyView final_reply(std::string outcome, Json body) { return {7, 3, "pm.jinxiu", true, std::move(outcome), std::move(body)}; }

hub::TimePoint utc(int y, unsigned m, unsigned d, int h, int min, int s) {
  using namespace std::chrono;
  return sys_days{year{y} / month{m} / day{d}} + hours(h) + minutes(min) + seconds(s);
}

}  // namespace

TEST_CASE("a complete fee check is valid, with or without the optional fields", "[registry][rules]") {
  CHECK(check_fee_check(fee_check(valid_payload())).empty());
  Json full = valid_payload();
  full["seller_id_number"] = "150430198001010011";
  full["transfer_date"] = "2026-12-01";
  CHECK(check_fee_check(fee_check(full)).empty());
}

TEST_CASE("a fee check lists every missing or malformed field by pointer", "[registry][rules]") {
  auto empty = by_pointer(check_fee_check(fee_check(Json::object())));
  CHECK(empty == std::map<std::string, std::string>{{"/dwelling", "required string is missing"},
                                                    {"/seller", "required string is missing"},
                                                    {"/buyer", "required string is missing"},
                                                    {"/application_id", "required string is missing"}});

  auto bad = by_pointer(check_fee_check(fee_check({{"dwelling", 12},
                                                   {"seller", ""},
                                                   {"buyer", "李四"},
                                                   {"application_id", nullptr},
                                                   {"seller_id_number", 15043019},
                                                   {"transfer_date", "2026-02-30"}})));
  CHECK(bad == std::map<std::string, std::string>{{"/dwelling", "must be a string"},
                                                  {"/seller", "must not be empty"},
                                                  {"/application_id", "required string is missing"},
                                                  {"/seller_id_number", "must be a string"},
                                                  {"/transfer_date", "must be a date (YYYY-MM-DD)"}});

  auto not_object = check_fee_check(fee_check(Json::array({1, 2})));
  REQUIRE(not_object.size() == 1);
  CHECK(not_object[0].pointer == "");
}

TEST_CASE("a fee check without a compound is refused: nobody could be asked", "[registry][rules]") {
  auto problems = check_fee_check(fee_check(valid_payload(), ""));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].pointer == "");
  CHECK_THAT(problems[0].reason, Catch::Contains("compound") && Catch::Contains("none was given"));
}

TEST_CASE("progress replies are free, a final reply answers settled or arrears", "[registry][rules]") {
  CHECK(check_fee_check_reply({1, 3, "pm.jinxiu", false, "", {{"status", "正在核实"}}}).empty());
  CHECK(check_fee_check_reply({1, 3, "pm.jinxiu", false, "", Json::array()}).empty());

  CHECK(check_fee_check_reply(final_reply("settled", Json::object())).empty());
  CHECK(check_fee_check_reply(final_reply("settled", {{"note", "无欠费"}, {"amount_yuan", 0}})).empty());
  CHECK(check_fee_check_reply(
            final_reply("arrears", {{"amount_yuan", 1260.5}, {"period", {{"from", "2024-07"}, {"to", "2025-06"}}}}))
            .empty());
  CHECK(check_fee_check_reply(final_reply("arrears", {{"amount_yuan", 80}, {"period", {{"from", "2025-06"}, {"to", "2025-06"}}},
                                                      {"note", "一个月"}}))
            .empty());

  for (const char* outcome : {"done", "refused", ""}) {
    auto problems = check_fee_check_reply(final_reply(outcome, Json::object()));
    INFO("outcome " << outcome);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].pointer == "");
    CHECK_THAT(problems[0].reason, Catch::Contains("\"settled\"") && Catch::Contains("\"arrears\""));
  }
  CHECK_THAT(check_fee_check_reply(final_reply("", Json::object()))[0].reason, Catch::StartsWith("no outcome"));
  CHECK_THAT(check_fee_check_reply(final_reply("done", Json::object()))[0].reason, Catch::StartsWith("outcome 'done'"));

  auto not_object = check_fee_check_reply(final_reply("settled", Json::array()));
  REQUIRE(not_object.size() == 1);
  CHECK(not_object[0].pointer == "");
}

TEST_CASE("an arrears answer needs a positive amount and a period of months in order", "[registry][rules]") {
  auto missing = by_pointer(check_fee_check_reply(final_reply("arrears", Json::object())));
  CHECK(missing == std::map<std::string, std::string>{{"/amount_yuan", "required number is missing"},
                                                      {"/period", "required object is missing"}});

  auto empty_period = by_pointer(check_fee_check_reply(final_reply("arrears", {{"amount_yuan", 10}, {"period", Json::object()}})));
  CHECK(empty_period == std::map<std::string, std::string>{{"/period/from", "required month (YYYY-MM) is missing"},
                                                           {"/period/to", "required month (YYYY-MM) is missing"}});

  auto types = by_pointer(check_fee_check_reply(final_reply(
      "arrears", {{"amount_yuan", "1260"}, {"period", {{"from", "2025-13"}, {"to", 202506}}}, {"note", 5}})));
  CHECK(types == std::map<std::string, std::string>{{"/amount_yuan", "must be a number"},
                                                    {"/period/from", "must be a month (YYYY-MM)"},
                                                    {"/period/to", "must be a month (YYYY-MM)"},
                                                    {"/note", "must be a string"}});

  auto values = by_pointer(check_fee_check_reply(
      final_reply("arrears", {{"amount_yuan", 0}, {"period", {{"from", "2025-07"}, {"to", "2025-06"}}}})));
  REQUIRE(values.size() == 2);
  CHECK_THAT(values["/amount_yuan"], Catch::Contains("more than 0"));
  CHECK_THAT(values["/period"], Catch::Contains("2025-07") && Catch::Contains("2025-06") && Catch::Contains("from <= to"));
  CHECK(by_pointer(check_fee_check_reply(
            final_reply("arrears", {{"amount_yuan", -5}, {"period", {{"from", "2025-01"}, {"to", "2025-06"}}}})))
            .count("/amount_yuan") == 1);
}

TEST_CASE("a settled answer owes nothing", "[registry][rules]") {
  auto problems = by_pointer(check_fee_check_reply(final_reply("settled", {{"amount_yuan", 300}, {"note", 1}})));
  REQUIRE(problems.size() == 2);
  CHECK_THAT(problems["/amount_yuan"], Catch::Contains("owes nothing"));
  CHECK(problems["/note"] == "must be a string");
}

TEST_CASE("read_answer takes only final answers the rules accept", "[registry][rules]") {
  auto arrears = read_answer(final_reply("arrears", {{"amount_yuan", 1260.5}, {"period", {{"from", "2024-07"}, {"to", "2025-06"}}},
                                                     {"note", "已电话通知业主"}}));
  REQUIRE(arrears);
  CHECK(arrears->status == "arrears");
  CHECK(arrears->amount_yuan == 1260.5);
  CHECK(arrears->period_from == "2024-07");
  CHECK(arrears->period_to == "2025-06");
  CHECK(arrears->note == "已电话通知业主");
  auto settled = read_answer(final_reply("settled", Json::object()));
  REQUIRE(settled);
  CHECK(settled->status == "settled");
  CHECK(settled->note.empty());
  CHECK_FALSE(read_answer(final_reply("done", Json::object())));
  CHECK_FALSE(read_answer({1, 3, "pm.jinxiu", false, "settled", Json::object()}));
}

TEST_CASE("local time is written in the hub's time zone, UTC+8", "[registry][rules]") {
  CHECK(local_time_iso8601(utc(2026, 11, 29, 12, 0, 0)) == "2026-11-29T20:00:00+08:00");
  CHECK(local_time_iso8601(utc(2026, 12, 31, 16, 30, 5)) == "2027-01-01T00:30:05+08:00");
  CHECK(local_time_iso8601(utc(2028, 2, 28, 23, 59, 59) + std::chrono::milliseconds(999)) == "2028-02-29T07:59:59+08:00");
}

TEST_CASE("the reminders the plugin builds pass the reminder's own rules", "[registry][rules]") {
  CheckFacts facts{41, "BDC-2026-0001", "3-2-501", "jinxiu", "锦绣花园", "pm.jinxiu"};
  const auto at = utc(2026, 11, 29, 12, 0, 0);
  const Answer arrears{"arrears", 1260.5, "2024-07", "2025-06", "请尽快缴纳"};
  const Answer settled{"settled", 0, "", "", ""};
  RegistryPlugin plugin;
  auto reminder = [](Json payload) {
    return hub::CaseView{0, std::string(kSettlementReminder), "plugin:registry", "41/reply/x", "jinxiu", std::move(payload)};
  };

  const Json a = answered_reminder(facts, arrears, "pm.jinxiu", at, false);
  CHECK(plugin.validate(reminder(a)).empty());
  CHECK(a["status"] == "arrears");
  CHECK(a["amount_yuan"] == 1260.5);
  CHECK(a["period"] == Json{{"from", "2024-07"}, {"to", "2025-06"}});
  CHECK(a["answered_at"] == "2026-11-29T20:00:00+08:00");
  CHECK(a["message"] == "锦绣花园 3-2-501：欠缴物业费 1260.50 元（2024-07 至 2025-06），请提醒交易双方结清。（pm.jinxiu 答复）");

  const Json s = answered_reminder(facts, settled, "pm.jinxiu", at, true);
  CHECK(plugin.validate(reminder(s)).empty());
  CHECK(s["update"] == true);
  CHECK_FALSE(s.contains("amount_yuan"));
  CHECK(s["message"] == "更新：锦绣花园 3-2-501：物业费已结清。（pm.jinxiu 答复）");

  const Json n = no_answer_reminder(facts, 120);
  CHECK(plugin.validate(reminder(n)).empty());
  CHECK(n["message"] == "锦绣花园 3-2-501：pm.jinxiu 未在规定时间内答复，请人工核实（已等待 120 秒）。");

  // What a reminder of each status must carry.
  Json bad_status = n;
  bad_status["status"] = "maybe";
  CHECK(by_pointer(plugin.validate(reminder(bad_status))) ==
        std::map<std::string, std::string>{{"/status", "must be settled, arrears or no_answer, not 'maybe'"}});
  Json bare_arrears = n;
  bare_arrears["status"] = "arrears";
  CHECK(by_pointer(plugin.validate(reminder(bare_arrears))) ==
        std::map<std::string, std::string>{{"/answered_by", "required when /status is arrears"},
                                           {"/answered_at", "required when /status is arrears"},
                                           {"/amount_yuan", "required when /status is arrears"},
                                           {"/period", "required when /status is arrears"}});
  Json no_timeout = n;
  no_timeout.erase("timeout_seconds");
  no_timeout.erase("message");
  no_timeout["update"] = "no";
  CHECK(by_pointer(plugin.validate(reminder(no_timeout))) ==
        std::map<std::string, std::string>{{"/message", "required string is missing"},
                                           {"/update", "must be a boolean"},
                                           {"/timeout_seconds", "required when /status is no_answer"}});
  Json reversed = a;
  reversed["period"] = {{"from", "2025-07"}, {"to", "2025-06"}};
  CHECK(by_pointer(plugin.validate(reminder(reversed))).count("/period") == 1);
}
