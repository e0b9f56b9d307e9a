// plugins/utilities/acceptance.h: the joint acceptance of a new compound
// (联合验收), as hook logic.
//
// open_acceptance (on_accepted of utilities.joint_acceptance) raises one
// utilities.acceptance_item per checklist item, addressed to the item's
// responsible unit, and keeps the acceptance's state plugin-wide under
// "acceptance/<case id>" (items, their round, verdicts and history), with the
// index "acceptance_id/<acceptance_id>" -> case id for re-inspections.
// record_verdict (on_reply of an item case) takes a final reply "passed" or
// "failed"; once every item has a verdict it raises utilities.acceptance_result
// to the acceptance's originator and the compound's 镇街: "completed" only when
// every item passed, else "failed" with exactly the failed items, their units,
// defects and who must act.
// reinspect (on_accepted of utilities.reinspection) raises the next round for
// each named item that failed; the others come back in a result notice
// ("reinspection_refused") with the reason.
//
// Hooks of different item cases may run at once on several hubs; each reads,
// changes and stores the whole record, and the SDK's compare-and-set state
// (hub/plugin.h, HookContext) reruns the one that commits second.
#pragma once

#include "hub/plugin.h"
#include "settings.h"

namespace hub::utilities {

HookResult open_acceptance(const Settings& settings, HookContext& ctx, const CaseView& c);
HookResult record_verdict(HookContext& ctx, const CaseView& item_case, const ReplyView& r);
HookResult reinspect(HookContext& ctx, const CaseView& c);

// State keys, for tests and operators.
std::string acceptance_key(CaseId acceptance_case);
std::string acceptance_index_key(const std::string& acceptance_id);

}  // namespace hub::utilities
