// plugins/registry/fee_check.h: the registry's case types as data, and their
// rules.
//
// registry.fee_check (物业费结清查询): the registry asks whoever serves a
// compound whether a dwelling's property fees are settled before a transfer.
// A final answer is "settled" or "arrears" (with amount and period).
// registry.settlement_reminder (物业费结清提醒): the notice the plugin raises
// back to the registry with that answer, or with "no answer".
//
// Every function here is pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hub/plugin.h"

namespace hub::registry {

inline constexpr std::string_view kFeeCheck = "registry.fee_check";
inline constexpr std::string_view kSettlementReminder = "registry.settlement_reminder";

// Outcomes of a final reply to a fee check, and statuses of a reminder.
inline constexpr std::string_view kSettled = "settled";
inline constexpr std::string_view kArrears = "arrears";
inline constexpr std::string_view kNoAnswer = "no_answer";

// The fee check declares its final replies' outcomes (settled, arrears) and
// reply fields as check_fee_check_reply checks them; the reminder, a notice,
// declares none.
CaseTypeDecl fee_check_type();
CaseTypeDecl settlement_reminder_type();

// Every problem of a fee check: its payload fields, and a compound in the
// envelope (without one nobody can be asked).
Problems check_fee_check(const CaseView& c);

// Every problem of a reply to a fee check. Non-final replies (progress) are
// free; a final reply's outcome is "settled" or "arrears", and arrears need
// /amount_yuan > 0 and /period {from, to} in months with from <= to.
Problems check_fee_check_reply(const ReplyView& r);

// Every problem of a settlement reminder's payload (the plugin raises them;
// the hub checks them like any case).
Problems check_settlement_reminder(const CaseView& c);

// A valid final answer, read.
struct Answer {
  std::string status;  // kSettled or kArrears
  double amount_yuan = 0;
  std::string period_from, period_to;  // "YYYY-MM", arrears only
  std::string note;                    // optional remark of the answering unit
};

// The answer in a final reply that check_fee_check_reply accepts; nullopt
// for anything else (a progress reply, or a reply taken before these rules).
std::optional<Answer> read_answer(const ReplyView& r);

}  // namespace hub::registry
