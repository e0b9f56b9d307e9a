// plugins/governance/committee.h: owners' committees (业主委员会).
//
// governance.oc_election_filing: an election or re-election filed with 住建局
// (备案), with the members (a configured range, exactly one chair 主任).
// governance.oc_decision: a committee decision told to the zone working group
// and the compound work team (notices only).
#pragma once

#include "hub/case.h"
#include "settings.h"

namespace hub::governance {

Problems validate_election_filing(const Settings& settings, const CaseView& c);
Problems validate_committee_decision(const CaseView& c);

// True for the role of the committee's chair: "主任" or "chair".
bool is_chair(const std::string& role);

}  // namespace hub::governance
