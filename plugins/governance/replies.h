// plugins/governance/replies.h: what a final reply to a governance case must
// say. Pure; called concurrently.
//
//   governance.credit_event            recorded | refused (/reason)
//   governance.fund_query              answered (/balance_yuan >= 0, /as_of date) | refused (/reason)
//   governance.oc_election_filing      filed | returned (/reasons: non-empty list of strings)
//   governance.common_income_spending  approved | refused (/reason)
// Other types, and replies that are not final, are not checked.
// reply_outcomes() and reply_fields() declare the same for the types'
// CaseTypeDecl (`hubctl types`, the docs), from the same table.
#pragma once

#include <string>
#include <vector>

#include "hub/plugin.h"

namespace hub::governance {

Problems validate_governance_reply(const std::string& case_type, const ReplyView& reply);

// The outcomes a final reply to `case_type` may name, in the order the
// problems list them; empty for a type whose replies are not checked (any).
std::vector<OutcomeDecl> reply_outcomes(const std::string& case_type);
// The fields of such a final reply's body; empty when not checked.
std::vector<FieldDecl> reply_fields(const std::string& case_type);

}  // namespace hub::governance
