// plugins/governance/owners_decisions.h: the owners' decisions that reach the
// housing bureau (住建局) and the zone working group.
//
// governance.fund_decision: a decision on the maintenance fund or another
// major matter, checked against the configured thresholds before it reaches
// 住建局: consent of a share of the exclusive area AND of the owners ("at
// least" or, strict, "more than"; optionally of the participants once a
// quorum took part). Below a threshold the case is rejected, each short share
// at its field with the share reached and the share required. Decisions by
// public notice need the notice period and the supervising zone group; the
// group is compared with the directory when the case is accepted, and a
// mismatch is told to the sender and the right group (supervision_notice).
// The check's figures go with the deliveries as annex "consent_check".
//
// governance.fund_query: a question about the fund's balance, for 住建局.
// governance.common_income_spending: spending common income, for the zone
// group's approval.
#pragma once

#include "hub/plugin.h"
#include "settings.h"

namespace hub::governance {

// The consent figures of a valid decision against its matter's threshold.
struct ConsentCheck {
  Problems problems;  // empty when the decision meets the threshold
  Json summary;       // per dimension: consenting, base, share, required
};
ConsentCheck check_consent(const Threshold& threshold, const std::string& matter, const Json& payload);

Problems validate_fund_decision(const Settings& settings, const CaseView& c);
Problems validate_fund_query(const CaseView& c);
Problems validate_common_income(const CaseView& c);

HookResult fund_decision_accepted(HookContext& ctx, const Settings& settings, const CaseView& c);

}  // namespace hub::governance
