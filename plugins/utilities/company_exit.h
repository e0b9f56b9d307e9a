// plugins/utilities/company_exit.h: a property company's exit (物业企业退出)
// and the handover that follows, as hook logic.
//
// receive_exit (on_accepted of utilities.company_exit) checks what validate()
// cannot see: the sender must be the compound's company in the directory, and
// no other exit of the compound may be pending or approved and not yet
// effective. Otherwise the exit is recorded "invalid" and a
// utilities.exit_invalid notice tells the company and the 镇街 why; an
// approval of it later changes nothing.
// decide_exit (on_reply of the exit case) takes the 镇街's final reply:
//   refused   nothing changes;
//   approved  utilities.exit_public_notice to the community, work team,
//             owners' committee, the company (and the successor); one
//             utilities.handover "meters_accounts" to each utility unit and one
//             "keys_drawings" to the successor, or to the 镇街 without one; and
//             dated directory changes from the exit date: company := successor,
//             or company := "" and custodian := the 镇街 (临时托管).
// record_handover (on_reply of a handover case) takes "done" or "refused";
// when every handover is answered, utilities.handover_result goes to the 镇街.
//
// State: plugin-wide "exit/<exit case id>" (the exit and its handovers) and
// "exit_open/<compound>" (the exit case that blocks another one).
#pragma once

#include "hub/plugin.h"
#include "settings.h"

namespace hub::utilities {

HookResult receive_exit(HookContext& ctx, const CaseView& c);
HookResult decide_exit(const Settings& settings, HookContext& ctx, const CaseView& c, const ReplyView& r);
HookResult record_handover(HookContext& ctx, const CaseView& handover_case, const ReplyView& r);

// State keys, for tests and operators.
std::string exit_key(CaseId exit_case);
std::string open_exit_key(const std::string& compound);

}  // namespace hub::utilities
