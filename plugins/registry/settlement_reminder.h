// plugins/registry/settlement_reminder.h: the payload of a settlement reminder
// (物业费结清提醒), the notice the registry's clerk reads at the counter.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "fee_check.h"

namespace hub::registry {

// The hub's local time (Asia/Shanghai: UTC+8, no daylight saving) as ISO 8601
// to the second, e.g. "2026-11-29T20:00:00+08:00".
std::string local_time_iso8601(TimePoint t);

// What every reminder of one fee check repeats about the check.
struct CheckFacts {
  CaseId fee_check_case = 0;
  std::string application_id, dwelling, compound, compound_name;
  std::string servicer;  // who serves the compound per the directory, or ""
};

// The facts of a fee check; `compound_info` as HookContext::compound_info gives it.
CheckFacts facts_of(const CaseView& fee_check, const std::optional<Json>& compound_info);

// The reminder for an answer. `update`: an earlier reminder (e.g. "no answer")
// was already sent for this check.
Json answered_reminder(const CheckFacts& check, const Answer& answer, const std::string& answered_by,
                       TimePoint answered_at, bool update);

// The reminder when no answer came within `timeout_seconds`.
Json no_answer_reminder(const CheckFacts& check, long long timeout_seconds);

}  // namespace hub::registry
