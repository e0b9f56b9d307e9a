// plugins/utilities/case_types.h: the utilities plugin's case types as data,
// and their payload and reply rules.
//
// Sent by units:
//   utilities.joint_acceptance (联合验收)   zjj opens the joint acceptance of a new compound
//   utilities.reinspection     (复验申请)   zjj asks for failed items to be inspected again
//   utilities.company_exit     (物业企业退出) a property company asks to leave its compound
// Raised by the plugin (origin "plugin:utilities"; no unit may send them):
//   utilities.acceptance_item   (联合验收事项) one checklist item, to its responsible unit
//   utilities.acceptance_result (联合验收结果) completed / failed / refused, a notice
//   utilities.exit_public_notice(退出公示)     the approved exit, notices
//   utilities.exit_invalid      (物业企业退出申请无效通知) why an exit cannot take effect
//   utilities.handover          (交接事项)     meters and accounts, or keys and drawings
//   utilities.handover_result   (交接结果)     all handovers answered, a notice
//
// Every function here is pure and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hub/plugin.h"
#include "settings.h"

namespace hub::utilities {

inline constexpr std::string_view kPluginName = "utilities";
inline constexpr std::string_view kOrigin = "plugin:utilities";

inline constexpr std::string_view kJointAcceptance = "utilities.joint_acceptance";
inline constexpr std::string_view kReinspection = "utilities.reinspection";
inline constexpr std::string_view kCompanyExit = "utilities.company_exit";
inline constexpr std::string_view kAcceptanceItem = "utilities.acceptance_item";
inline constexpr std::string_view kAcceptanceResult = "utilities.acceptance_result";
inline constexpr std::string_view kExitPublicNotice = "utilities.exit_public_notice";
inline constexpr std::string_view kExitInvalid = "utilities.exit_invalid";
inline constexpr std::string_view kHandover = "utilities.handover";
inline constexpr std::string_view kHandoverResult = "utilities.handover_result";

// Verdicts on an acceptance item (final reply outcomes) and acceptance statuses.
inline constexpr std::string_view kPassed = "passed";
inline constexpr std::string_view kFailed = "failed";
inline constexpr std::string_view kCompleted = "completed";
inline constexpr std::string_view kNotOpened = "not_opened";                      // bad acceptance, nothing sent
inline constexpr std::string_view kReinspectionRefused = "reinspection_refused";  // items not re-inspected
// Decisions on an exit (final reply outcomes of the 镇街); "refused" also ends a handover.
inline constexpr std::string_view kApproved = "approved";
inline constexpr std::string_view kRefused = "refused";
// Handover kinds, outcomes and result statuses.
inline constexpr std::string_view kMetersAccounts = "meters_accounts";
inline constexpr std::string_view kKeysDrawings = "keys_drawings";
inline constexpr std::string_view kDone = "done";
inline constexpr std::string_view kIncomplete = "incomplete";

// Who must fix a failed item when it is not a unit.
inline constexpr std::string_view kDeveloper = "developer";

std::vector<CaseTypeDecl> case_type_decls();

// Every problem of a case of one of the plugin's types; `checklist` gives the
// item ids a joint acceptance or reinspection may name.
Problems check_case(const CaseView& c, const Checklist& checklist);

// Every problem of a reply to a case of `type`. Non-final replies (progress
// notes) are free; the rules apply to final replies.
Problems check_reply(const std::string& type, const ReplyView& r);

}  // namespace hub::utilities
