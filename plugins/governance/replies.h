// plugins/governance/replies.h: what a final reply to a governance case must
// say. Pure; called concurrently.
//
//   governance.credit_event            recorded | refused (/reason)
//   governance.fund_query              answered (/balance_yuan >= 0, /as_of date) | refused (/reason)
//   governance.oc_election_filing      filed | returned (/reasons: non-empty list of strings)
//   governance.common_income_spending  approved | refused (/reason)
// Other types, and replies that are not final, are not checked.
#pragma once

#include <string>

#include "hub/case.h"

namespace hub::governance {

Problems validate_governance_reply(const std::string& case_type, const ReplyView& reply);

}  // namespace hub::governance
