#include "settlement_reminder.h"

#include <chrono>
#include <cstdio>

namespace hub::registry {
namespace {

std::string yuan(double amount) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2f", amount);
  return text;
}

// "锦绣花园 3-2-501": how the clerk names the dwelling.
std::string subject(const CheckFacts& check) {
  return (check.compound_name.empty() ? check.compound : check.compound_name) + " " + check.dwelling;
}

Json common(const CheckFacts& check, std::string_view status, bool update) {
  Json p = {{"fee_check_case", check.fee_check_case},
            {"application_id", check.application_id},
            {"dwelling", check.dwelling},
            {"compound", check.compound},
            {"compound_name", check.compound_name},
            {"status", status},
            {"update", update}};
  if (!check.servicer.empty()) p["servicer"] = check.servicer;
  return p;
}

}  // namespace

std::string local_time_iso8601(TimePoint t) {
  using namespace std::chrono;
  const auto local = floor<seconds>(t) + hours(8);
  const auto day = floor<days>(local);
  const year_month_day date{day};
  const hh_mm_ss time{local - day};
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d+08:00", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return text;
}

CheckFacts facts_of(const CaseView& fee_check, const std::optional<Json>& compound_info) {
  CheckFacts f;
  f.fee_check_case = fee_check.id;
  f.application_id = fee_check.payload.value("application_id", "");
  f.dwelling = fee_check.payload.value("dwelling", "");
  f.compound = fee_check.compound;
  if (compound_info && compound_info->is_object()) {
    f.compound_name = compound_info->value("name", "");
    f.servicer = compound_info->value("servicer", "");
  }
  return f;
}

Json answered_reminder(const CheckFacts& check, const Answer& answer, const std::string& answered_by,
                       TimePoint answered_at, bool update) {
  Json p = common(check, answer.status, update);
  p["answered_by"] = answered_by;
  p["answered_at"] = local_time_iso8601(answered_at);
  if (!answer.note.empty()) p["note"] = answer.note;
  std::string message = (update ? "更新：" : "") + subject(check);
  if (answer.status == kArrears) {
    p["amount_yuan"] = answer.amount_yuan;
    p["period"] = {{"from", answer.period_from}, {"to", answer.period_to}};
    message += "：欠缴物业费 " + yuan(answer.amount_yuan) + " 元（" + answer.period_from + " 至 " + answer.period_to +
               "），请提醒交易双方结清。";
  } else {
    message += "：物业费已结清。";
  }
  p["message"] = message + "（" + answered_by + " 答复）";
  return p;
}

Json no_answer_reminder(const CheckFacts& check, long long timeout_seconds) {
  Json p = common(check, kNoAnswer, false);
  p["timeout_seconds"] = timeout_seconds;
  p["message"] = subject(check) + "：" + (check.servicer.empty() ? "" : check.servicer + " ") +
                 "未在规定时间内答复，请人工核实（已等待 " + std::to_string(timeout_seconds) + " 秒）。";
  return p;
}

}  // namespace hub::registry
