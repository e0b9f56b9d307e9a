// answer_status.h: the HTTP status of each protocol answer.
//
// The body of an HTTP answer is the hub's protocol answer unchanged (the
// same JSON a ZeroMQ client gets); the status and Retry-After say the same
// in HTTP's words, so that a client can act on the status alone:
//
//   accepted, reply_accepted       201 Created (200 when "duplicate": true)
//   transition_accepted, welcome,
//   heartbeat, case                200
//   rejected / error with code:
//     malformed_json, too_deep, too_many_*, string_too_long, control_character,
//     duplicate_key, inexact_number, invalid_envelope, unknown_kind     400
//     oversized                                                         413
//     key_revoked (and the credential refusals)                         401
//     not_allowed, not_receiver, not_originator, not_approver,
//     unit_disabled                                                     403
//     unknown_delivery, unknown_case, unknown_unit                      404
//     illegal_transition, case_closed, deadline_passed, no_approver     409
//     unknown_case_type, invalid_payload, invalid_reply, reason_required,
//     invalid_until, unstorable                                         422
//     rate_limited                                                      429, Retry-After: 1
//     busy                                                              503, Retry-After: 1
//     unavailable                                                       503, Retry-After: 5
//     internal, and any code this table does not know                   500
//
// Pure; no I/O.
#pragma once

#include <string_view>

namespace hub::http_adapter {

struct HttpVerdict {
  int status = 500;
  int retry_after_seconds = 0;  // 0: no Retry-After header
};

// `kind` and `code` from the answer ("" when absent); `duplicate` its flag.
HttpVerdict verdict_for_answer(std::string_view kind, std::string_view code, bool duplicate);

// For a refusal code alone (credential refusals, the adapter's own errors).
HttpVerdict verdict_for_code(std::string_view code);

}  // namespace hub::http_adapter
