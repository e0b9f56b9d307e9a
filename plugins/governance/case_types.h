// plugins/governance/case_types.h: the case types the governance plugin owns,
// with their payload fields and default limits.
#pragma once

#include <vector>

#include "hub/plugin.h"

namespace hub::governance {

// Sent by units.
inline constexpr char kComplaint[] = "complaint.general";                       // 小区综合投诉
inline constexpr char kCreditEvent[] = "governance.credit_event";               // 信用事件
inline constexpr char kCreditQuery[] = "governance.credit_query";               // 信用档案查询
inline constexpr char kFundDecision[] = "governance.fund_decision";             // 维修资金使用及重大事项表决
inline constexpr char kFundQuery[] = "governance.fund_query";                   // 维修资金查询
inline constexpr char kElectionFiling[] = "governance.oc_election_filing";      // 业主委员会选举备案
inline constexpr char kCommitteeDecision[] = "governance.oc_decision";          // 业主委员会决定告知
inline constexpr char kCommonIncome[] = "governance.common_income_spending";    // 公共收益使用申请

// Raised by the plugin only (origin "plugin:<name>"), addressed to named units.
inline constexpr char kCreditEventNotice[] = "governance.credit_event_notice";    // 信用事件告知
inline constexpr char kCreditStatusNotice[] = "governance.credit_status_notice";  // 信用等级变动通知
inline constexpr char kCreditReport[] = "governance.credit_report";               // 信用档案
inline constexpr char kSupervisionNotice[] = "governance.supervision_notice";     // 公告表决监督提示

std::vector<CaseTypeDecl> declarations();

// The declared fields of `type` (empty for an unknown type).
const std::vector<FieldDecl>& fields_of(const std::string& type);

}  // namespace hub::governance
