#include "governance_plugin.h"

#include "case_types.h"
#include "committee.h"
#include "common.h"
#include "complaints.h"
#include "credit.h"
#include "hub/payload.h"
#include "owners_decisions.h"
#include "replies.h"

namespace hub::governance {

PluginInfo GovernancePlugin::info() const {
  return {"governance", "1.0",
          "complaints by category, companies' credit files, owners' decisions and committees", setting_decls(), true};
}

Status GovernancePlugin::configure(const Json& settings) {
  if (Status s = parse_settings(settings, settings_); !s.ok()) return s;
  configured_ = true;
  return {};
}

std::vector<CaseTypeDecl> GovernancePlugin::case_types() const { return declarations(); }

Problems GovernancePlugin::validate(const CaseView& c) const {
  if (!configured_) return {{"", "the governance plugin is not configured"}};
  if (c.type == kComplaint) return validate_complaint(settings_, c);
  if (c.type == kCreditEvent) return validate_credit_event(settings_, c);
  if (c.type == kCreditQuery) return validate_credit_query(c);
  if (c.type == kFundDecision) return validate_fund_decision(settings_, c);
  if (c.type == kFundQuery) return validate_fund_query(c);
  if (c.type == kElectionFiling) return validate_election_filing(settings_, c);
  if (c.type == kCommitteeDecision) return validate_committee_decision(c);
  if (c.type == kCommonIncome) return validate_common_income(c);
  if (c.type == kCreditEventNotice || c.type == kCreditStatusNotice || c.type == kCreditReport ||
      c.type == kSupervisionNotice) {
    Problems problems = check_fields(fields_of(c.type), c.payload);
    require_raised_by_plugin(c, problems);
    return problems;
  }
  return {{"", "case type " + c.type + " is not a governance case type"}};
}

Problems GovernancePlugin::validate_reply(const std::string& case_type, const ReplyView& reply) const {
  return validate_governance_reply(case_type, reply);
}

HookResult GovernancePlugin::on_accepted(HookContext& ctx, const CaseView& c) {
  if (c.type == kCreditEvent) return credit_event_accepted(ctx, settings_, c);
  if (c.type == kCreditQuery) return credit_query_accepted(ctx, settings_, c);
  if (c.type == kFundDecision) return fund_decision_accepted(ctx, settings_, c);
  return {};
}

HookResult GovernancePlugin::on_reply(HookContext& ctx, const CaseView& c, const ReplyView& r) {
  if (c.type == kCreditEvent) return credit_event_replied(ctx, settings_, c, r);
  return {};
}

}  // namespace hub::governance
