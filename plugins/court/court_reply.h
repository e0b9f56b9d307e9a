// plugins/court/court_reply.h: what the court's replies to a referral carry.
//
// Progress replies (final: false) name their status in the body's /status:
//   under_review       审查中    nothing more
//   accepted           受理/立案  /case_number
//   hearing_scheduled  开庭排期   /case_number, /hearing_date (date or date-time), /hearing_place?
// The final reply names its outcome (the protocol's "outcome"):
//   returned   退回  /reasons: non-empty list of strings saying what to fix
//   judged     判决  /case_number, /judgment (summary), /amount_awarded_yuan (>= 0)
//   mediated   调解  /case_number, /agreed_amount_yuan? (>= 0)
//   withdrawn  撤诉  /case_number
// Any reply may add /note. check_court_reply() lists every problem, by JSON
// pointer into the body ("" when the outcome itself is wrong). Pure.
// court_outcomes() and court_reply_fields() declare the same for the
// referral's CaseTypeDecl (`hubctl types`, the docs); tests/reply_contract_test.cc
// proves them against check_court_reply().
#pragma once

#include <string>
#include <vector>

#include "hub/plugin.h"

namespace hub::court {

Problems check_court_reply(const ReplyView& reply);

// The outcomes a final reply of the court may name.
std::vector<OutcomeDecl> court_outcomes();
// The fields of the court's replies. None is required in every reply, so each
// is declared optional and its help names the statuses and outcomes that need it.
std::vector<FieldDecl> court_reply_fields();

// The reply's status: its outcome when final, else its /status ("" if none).
std::string reply_status(const ReplyView& reply);

}  // namespace hub::court
