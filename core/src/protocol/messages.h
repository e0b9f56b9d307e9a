// protocol/messages.h: the JSON envelope of protocol 1 (docs/PROTOCOL.md), as
// parsed from a unit's message. The sender's unit never appears here: it comes
// from the transport (the unit's key), and any "from"-like field is ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "hub/case.h"
#include "hub/clock.h"
#include "protocol/bounded_json.h"

namespace hub::protocol {

inline constexpr int kVersion = 1;
inline constexpr std::size_t kMaxReferenceLength = 128;

// A file a send or reply names (docs/PROTOCOL.md, "Attachments"): one the
// sending unit uploaded. Its media type and size are the hub's, from storage.
struct AttachmentRef {
  std::string sha256;
  std::string name;
  std::string label;
};
// Most files one message may name, whatever its case type allows.
inline constexpr std::size_t kMaxAttachments = 50;

struct Hello { std::string client; };
struct Heartbeat {};
struct Send {
  std::string reference;
  std::string type;
  std::string compound;
  Json payload;
  std::vector<AttachmentRef> attachments;
};
struct Ack {
  enum class What { kDelivery, kReply, kUpdate };
  What what = What::kDelivery;
  std::int64_t id = 0;
};
struct Reply {
  std::int64_t delivery = 0;
  std::string reference;
  bool final = false;
  std::string outcome;
  Json body;
  std::vector<AttachmentRef> attachments;
};
// A lifecycle request (docs/PROTOCOL.md, "The case lifecycle"). `reference`
// is the sender's idempotency key; which other fields are set depends on the kind.
struct Transition {
  enum class Kind { kSign, kReturn, kAssign, kExtend, kGrantExtension, kRefuseExtension, kClose, kReopen };
  Kind kind = Kind::kSign;
  std::string reference;
  std::int64_t delivery = 0;  // required except for close / reopen, where it is optional
  std::int64_t case_id = 0;   // close / reopen: required
  std::string reason;         // required for return, extend, refuse_extension, reopen
  std::optional<TimePoint> until;  // extend: required; grant_extension: optional
  std::string to;             // assign: the unit that is to handle the case
};
// The wire name of a transition kind: "sign", "grant_extension", ...
const char* kind_name(Transition::Kind kind);
// A read of one case (docs/PROTOCOL.md, "read"). Whether the sending unit is
// party to it is the store's to say (store/case_read.h). A read has no
// reference: its answer names the case.
struct Read {
  std::int64_t case_id = 0;
};

// One chunk of a file being uploaded (docs/PROTOCOL.md, "upload"). Its bytes
// travel beside the JSON (AdapterHost::on_message_with_data), never in it.
struct Upload {
  std::string sha256;       // of the whole file
  std::int64_t size = 0;    // of the whole file, in bytes
  std::string media_type;   // "type" on the wire
  std::int64_t offset = 0;  // where this chunk's bytes go
};
// A read of part of a file a case names (docs/PROTOCOL.md, "fetch"); the
// answer carries the bytes beside its JSON.
struct Fetch {
  std::int64_t case_id = 0;
  std::string sha256;
  std::int64_t offset = 0;
  std::int64_t length = 0;  // 0: as much as the hub sends at once
};

// `text` cut to at most `max_bytes` (at a UTF-8 boundary, "…" appended when
// cut): how a unit's strings are quoted back in answers, logs and events.
std::string echoed(std::string_view text, std::size_t max_bytes = 64);

using Message = std::variant<Hello, Heartbeat, Send, Ack, Reply, Transition, Read, Upload, Fetch>;

// Error codes on the wire (docs/PROTOCOL.md lists them all).
namespace code {
inline constexpr const char* kMalformedJson = "malformed_json";
inline constexpr const char* kInvalidEnvelope = "invalid_envelope";
inline constexpr const char* kUnknownKind = "unknown_kind";
inline constexpr const char* kUnknownCaseType = "unknown_case_type";
inline constexpr const char* kNotAllowed = "not_allowed";
inline constexpr const char* kInvalidPayload = "invalid_payload";
inline constexpr const char* kOversized = "oversized";
// Refusals of the bounded parse (protocol/bounded_json.h; PROTOCOL.md "Limits").
inline constexpr const char* kTooDeep = "too_deep";
inline constexpr const char* kTooManyValues = "too_many_values";
inline constexpr const char* kTooManyKeys = "too_many_keys";
inline constexpr const char* kTooManyItems = "too_many_items";
inline constexpr const char* kStringTooLong = "string_too_long";
inline constexpr const char* kControlCharacter = "control_character";
inline constexpr const char* kDuplicateKey = "duplicate_key";
inline constexpr const char* kInexactNumber = "inexact_number";
inline constexpr const char* kUnknownDelivery = "unknown_delivery";
inline constexpr const char* kNotReceiver = "not_receiver";
inline constexpr const char* kConflict = "conflict";
inline constexpr const char* kInvalidReply = "invalid_reply";
// The case lifecycle (section 4 of docs/PROTOCOL.md).
inline constexpr const char* kUnknownCase = "unknown_case";
inline constexpr const char* kNotOriginator = "not_originator";
inline constexpr const char* kNotApprover = "not_approver";
inline constexpr const char* kReasonRequired = "reason_required";
inline constexpr const char* kIllegalTransition = "illegal_transition";
inline constexpr const char* kCaseClosed = "case_closed";
inline constexpr const char* kDeadlinePassed = "deadline_passed";
inline constexpr const char* kInvalidUntil = "invalid_until";
inline constexpr const char* kNoApprover = "no_approver";
inline constexpr const char* kUnknownUnit = "unknown_unit";
inline constexpr const char* kUnavailable = "unavailable";
inline constexpr const char* kBusy = "busy";
// The unit sent more than its quota (bus/unit_quotas.h); messages were dropped unread.
inline constexpr const char* kRateLimited = "rate_limited";
inline constexpr const char* kInternal = "internal";
// The database refused one item that passed every check (bus/committer.h).
inline constexpr const char* kUnstorable = "unstorable";
// An operator disabled the sending unit (bus/disabled_units.h): refused unread.
inline constexpr const char* kUnitDisabled = "unit_disabled";
// The credential belongs to no unit now (removed or replaced at a reload).
inline constexpr const char* kKeyRevoked = "key_revoked";
// A signed request's timestamp is further from the hub's clock than
// hub.credentials.max_clock_skew_seconds (bus/credential_check.h).
inline constexpr const char* kStaleRequest = "stale_request";
// A signed request's signature is not the HMAC-SHA256 of its text under its key's secret.
inline constexpr const char* kBadSignature = "bad_signature";
// A signed request's nonce was already used with its key: a replay.
inline constexpr const char* kReplayedNonce = "replayed_nonce";
// The hub does not accept this kind of credential (hub/adapter.h, Credential).
inline constexpr const char* kUnsupportedCredential = "unsupported_credential";
// Attachments (docs/PROTOCOL.md, "Attachments").
inline constexpr const char* kInvalidUpload = "invalid_upload";      // the chunk does not fit the upload
inline constexpr const char* kUploadGap = "upload_gap";              // bytes before this chunk are missing
inline constexpr const char* kDigestMismatch = "digest_mismatch";    // the bytes are not those the digest names
inline constexpr const char* kTypeMismatch = "type_mismatch";        // the bytes are not of the type declared
inline constexpr const char* kUploadQuota = "upload_quota";          // the unit holds too many unused or unfinished bytes
inline constexpr const char* kUnknownAttachment = "unknown_attachment";  // no such file in a case the unit may read
}  // namespace code

struct ParseError {
  std::string code;
  std::string message;
  std::string reference;  // echoed back when the message had one
  std::string pointer;    // RFC 6901, of the value refused; empty: the message as a whole
  std::string request;    // the message's kind, when it was read and is a known kind; else empty
};

// Parses one message body. Never throws. `max_bytes` bounds the body, `limits`
// what it may hold; the payload or body of a send or reply is moved out of the
// parsed tree, never copied.
std::variant<Message, ParseError> parse(std::string_view body, std::size_t max_bytes, const JsonLimits& limits = {});

}  // namespace hub::protocol
