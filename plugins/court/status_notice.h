// plugins/court/status_notice.h: what the court plugin remembers of a referral
// and tells the compound's 镇街 (court.status_notice, 诉讼进展通知).
//
// Per-case state under kProgressKey:
//   {"status", "final", "case_number"?, "history": [{"reply", "from", "status", "final", "at"}]}
// A status notice's payload:
//   {"referral": {"case", "reference", "origin", "defendant"?, "dwelling"?, "total_yuan"?},
//    "court", "reply", "status", "final", "case_number"?, "hearing_date"?, "hearing_place"?,
//    "reasons"?, "judgment"?, "amount_awarded_yuan"?, "agreed_amount_yuan"?, "note"?, "history"}
#pragma once

#include <vector>

#include "hub/plugin.h"

namespace hub::court {

inline constexpr const char* kStatusNoticeType = "court.status_notice";
inline constexpr const char* kProgressKey = "progress";

std::vector<FieldDecl> status_notice_fields();

// `progress` (the stored state, or an empty object) with the reply recorded;
// recording the same reply twice changes nothing.
Json record_reply(Json progress, const ReplyView& reply, TimePoint at);

// The notice about `reply` to the referral `referral`, after record_reply.
Json status_notice_payload(const CaseView& referral, const ReplyView& reply, const Json& progress);

}  // namespace hub::court
