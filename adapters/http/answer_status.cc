#include "answer_status.h"

#include <array>
#include <utility>

namespace hub::http_adapter {
namespace {

struct CodeStatus {
  std::string_view code;
  int status;
  int retry_after;
};

constexpr std::array kCodes = {
    CodeStatus{"malformed_json", 400, 0},     CodeStatus{"too_deep", 400, 0},
    CodeStatus{"too_many_values", 400, 0},    CodeStatus{"too_many_keys", 400, 0},
    CodeStatus{"too_many_items", 400, 0},     CodeStatus{"string_too_long", 400, 0},
    CodeStatus{"control_character", 400, 0},  CodeStatus{"duplicate_key", 400, 0},
    CodeStatus{"inexact_number", 400, 0},     CodeStatus{"invalid_envelope", 400, 0},
    CodeStatus{"unknown_kind", 400, 0},       CodeStatus{"unsupported_media_type", 415, 0},
    CodeStatus{"oversized", 413, 0},          CodeStatus{"unauthenticated", 401, 0},
    CodeStatus{"key_revoked", 401, 0},        CodeStatus{"bad_signature", 401, 0},
    CodeStatus{"stale_request", 401, 0},      CodeStatus{"replayed_nonce", 401, 0},
    CodeStatus{"unsupported_credential", 401, 0},
    CodeStatus{"not_allowed", 403, 0},        CodeStatus{"not_receiver", 403, 0},
    CodeStatus{"not_originator", 403, 0},     CodeStatus{"not_approver", 403, 0},
    CodeStatus{"unit_disabled", 403, 0},      CodeStatus{"unknown_delivery", 404, 0},
    CodeStatus{"unknown_case", 404, 0},       CodeStatus{"unknown_unit", 404, 0},
    CodeStatus{"illegal_transition", 409, 0}, CodeStatus{"case_closed", 409, 0},
    CodeStatus{"deadline_passed", 409, 0},    CodeStatus{"no_approver", 409, 0},
    CodeStatus{"unknown_case_type", 422, 0},  CodeStatus{"invalid_payload", 422, 0},
    CodeStatus{"invalid_reply", 422, 0},      CodeStatus{"reason_required", 422, 0},
    CodeStatus{"invalid_until", 422, 0},      CodeStatus{"unstorable", 422, 0},
    CodeStatus{"invalid_upload", 400, 0},     CodeStatus{"upload_gap", 409, 0},
    CodeStatus{"digest_mismatch", 422, 0},    CodeStatus{"type_mismatch", 415, 0},
    CodeStatus{"upload_quota", 507, 0},       CodeStatus{"unknown_attachment", 404, 0},
    CodeStatus{"rate_limited", 429, 1},       CodeStatus{"busy", 503, 1},
    CodeStatus{"unavailable", 503, 5},        CodeStatus{"no_answer", 503, 2},
};

}  // namespace

HttpVerdict verdict_for_code(std::string_view code) {
  for (const auto& c : kCodes)
    if (c.code == code) return {c.status, c.retry_after};
  return {500, 0};
}

HttpVerdict verdict_for_answer(std::string_view kind, std::string_view code, bool duplicate) {
  if (kind == "accepted" || kind == "reply_accepted") return {duplicate ? 200 : 201, 0};
  if (kind == "uploaded") return {201, 0};
  if (kind == "upload_progress" || kind == "file") return {200, 0};
  if (kind == "transition_accepted" || kind == "welcome" || kind == "heartbeat" || kind == "case") return {200, 0};
  return verdict_for_code(code);
}

}  // namespace hub::http_adapter
