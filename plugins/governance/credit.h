// plugins/governance/credit.h: property companies' credit files (信用档案).
//
// One file per company, plugin-wide state under "credit/<company>":
//   {"company", "points", "status", "status_since", "events": [...]}
// Each governance.credit_event adds its points when accepted (on_accepted);
// the status follows the points: red list (红名单) at or above
// credit_red_list_at, black list (黑名单) at or below credit_black_list_at,
// else normal. A change of status is announced (credit_status_notice) to the
// company, the units in credit_status_notice_to and the compound's 镇街; every
// event is told to the company (credit_event_notice). A final reply "refused"
// from the event's receiver (城管局, which keeps the file) reverses the event.
// governance.credit_query is answered from the file at once: the file is the
// annex of the query's deliveries and a credit_report to the querying unit.
#pragma once

#include <string>

#include "hub/plugin.h"
#include "settings.h"

namespace hub::governance {

// "normal", "red_list" or "black_list" for `points`.
std::string credit_status(const CreditRules& rules, long long points);
// 正常, 红名单, 黑名单.
std::string credit_status_name(const std::string& status);
// The plugin-wide state key of a company's file.
std::string credit_key(const std::string& company);
// The stored file of `company`, or a new one at the initial points.
Json load_credit_file(HookContext& ctx, const CreditRules& rules, const std::string& company);
// The file as reported to others: the stored file plus status name, marks and date.
Json credit_file_view(const Json& file, const CreditRules& rules, TimePoint now);

Problems validate_credit_event(const Settings& settings, const CaseView& c);
Problems validate_credit_query(const CaseView& c);

HookResult credit_event_accepted(HookContext& ctx, const Settings& settings, const CaseView& c);
HookResult credit_event_replied(HookContext& ctx, const Settings& settings, const CaseView& c, const ReplyView& r);
HookResult credit_query_accepted(HookContext& ctx, const Settings& settings, const CaseView& c);

}  // namespace hub::governance
