// plugins/court/dossier.h: the dossier of an arrears referral
// (court.arrears_referral, 物业费欠费诉讼绿色通道移送) and its intake rules.
//
// check_dossier() lists every problem at once, each at the JSON pointer to fix:
// the declared fields (hub::check_fields), then the rules the court applies at
// intake: a written reminder before suing and no cutting of utilities (Civil
// Code art. 944), amounts that add up to the fen, a period and dates that are
// not after the referral, and an evidence list that includes the contract,
// each item naming one of the referral's attached files when the settings
// ask for the documents as files (evidence_as_attachments).
// Pure: dates are compared with the dossier's own /referred_on, never a clock.
#pragma once

#include <vector>

#include "court_settings.h"
#include "hub/plugin.h"

namespace hub::court {

inline constexpr const char* kReferralType = "court.arrears_referral";

// The reminder methods a dossier may list; only "written" satisfies art. 944.
inline constexpr const char* kReminderMethods[] = {"written", "phone", "visit", "notice_posted"};

std::vector<FieldDecl> dossier_fields();

// Every problem of the referral `c` (its payload and its compound).
Problems check_dossier(const CaseView& c, const CourtSettings& settings);

}  // namespace hub::court
