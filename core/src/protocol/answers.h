// protocol/answers.h: messages the hub sends to units (docs/PROTOCOL.md).
// Each function returns the JSON body, ready for the adapter.
#pragma once

#include <string>
#include <vector>

#include "hub/case.h"

namespace hub::protocol {

struct DeliveryRef {
  std::int64_t delivery = 0;
  std::string to;
  bool notice = false;
};

// Every answer to a message names what it answers: "request", the message's
// kind ("send", "reply", "sign", ...), and "reference", the unit's reference,
// each when the message could be read that far (an answer to a message
// dropped unread names neither; the unit resends what stays unanswered).

std::string welcome(const std::string& unit, const std::string& hub_id, int heartbeat_seconds);
std::string heartbeat();
std::string accepted(const std::string& reference, std::int64_t case_id, bool duplicate,
                     const std::vector<DeliveryRef>& deliveries, const std::string& parked_reason);
std::string rejected(const std::string& reference, const std::string& code, const std::string& message,
                     const Problems& problems);
// `request`: the kind of the message refused, when known.
std::string error(const std::string& code, const std::string& message, bool retry, const std::string& reference,
                  const Problems& problems = {}, const std::string& request = {});
std::string reply_accepted(const std::string& reference, std::int64_t reply_id, bool duplicate);

// The answer to a lifecycle request: the deliveries it concerned, each with
// its stage now. `duplicate`: the reference was used before; nothing changed.
struct StageRef {
  std::int64_t delivery = 0;
  std::string stage;
};
std::string transition_accepted(const std::string& reference, const std::string& request, std::int64_t case_id,
                                const std::vector<StageRef>& deliveries, bool duplicate);

struct OutgoingDelivery {
  std::int64_t delivery = 0;
  std::int64_t case_id = 0;
  std::string type, type_name, origin, reference, compound;
  bool notice = false;
  int attempt = 1;
  std::string payload_json;  // the stored payload, already serialized
  std::string annex_json;    // what the owning plugin attached, serialized; empty: none
  std::string attachments_json;  // the case's files, serialized (store/attachments.h); empty: none
  std::string sign_by, resolve_by;  // local ISO 8601; empty: no such deadline
  // Why this delivery exists beyond its route, a serialized object whose
  // members join the message: {"returned": ...} or {"escalation": ...}; empty: none.
  std::string detail_json;
};
std::string delivery(const OutgoingDelivery& d);

struct OutgoingReply {
  std::int64_t reply = 0, case_id = 0, delivery = 0;
  std::string from, outcome, reference;
  bool final = false;
  int attempt = 1;
  std::string body_json;
  std::string attachments_json;  // the reply's files, serialized; empty: none
};
std::string forwarded_reply(const OutgoingReply& r);

// A state change, reminder or extension request (the `updates` table): the
// stored body with the update id and the attempt added.
struct OutgoingUpdate {
  std::int64_t update = 0;
  int attempt = 1;
  std::string body_json;  // a serialized object with "kind" and the message's fields
};
std::string update(const OutgoingUpdate& u);

// The answer to a read (docs/PROTOCOL.md, "read"): a case as the reading unit
// may see it. Times are local ISO 8601, empty when the fact has not happened
// (or the deadline does not exist). Serialized members (payload, annex,
// bodies, details) are spliced in as stored, never parsed again.
struct DeliveryState {
  std::int64_t delivery = 0;
  std::string to;
  bool notice = false;
  std::string stage;  // lifecycle::stage_name
  std::string dispatched_at, acked_at, signed_at, resolved_at;
  std::string sign_by, resolve_by;
  // An extension request waiting for its decision; empty `extension_until`: none.
  std::string extension_until, extension_reason, extension_approver;
  int extensions = 0;  // granted
  int reopens = 0;
  int sign_escalations = 0, resolve_escalations = 0;  // escalation levels fired per deadline
  std::string return_reason;  // why the receiver returned it (stage "returned")
  // {"returned": ...}, {"assigned": ...} or {"escalation": ...}, whose members
  // join the entry as in the delivery message; empty: none.
  std::string detail_json;
};
struct ReplyState {
  std::int64_t reply = 0, delivery = 0;
  std::string from, reference, outcome, at;
  bool final = false;
  std::string body_json;
  std::string attachments_json;  // empty: none
};
struct CaseState {
  std::int64_t case_id = 0;
  std::string type, type_name, origin, reference, compound, created_at;
  std::string payload_json;
  std::string annex_json;     // empty: none, or not shown to this reader
  std::string attachments_json;  // the case's files; empty: none
  std::string parked_reason;  // empty: not parked, or not shown to this reader
  std::vector<DeliveryState> deliveries;  // in id order
  bool deliveries_truncated = false;      // older deliveries were left out
  std::vector<ReplyState> replies;        // in id order
  bool replies_truncated = false;         // older replies were left out
};
std::string case_state(const CaseState& c);
// A read refused: an error naming the request ("read") and the case it asked for.
std::string read_error(std::int64_t case_id, const std::string& code, const std::string& message, bool retry);

// Attachments (docs/PROTOCOL.md, "Attachments"). The answer to one chunk of
// an upload: more bytes wanted from `received` on, or the file stored.
std::string upload_progress(const std::string& sha256, std::int64_t received, std::int64_t size);
std::string uploaded(const std::string& sha256, std::int64_t size, const std::string& media_type);
// The JSON of a fetch's answer; the bytes [offset, offset + length) go beside it.
struct FileChunk {
  std::int64_t case_id = 0;
  AttachmentView file;
  std::int64_t offset = 0, length = 0;
};
std::string file_chunk(const FileChunk& chunk);

}  // namespace hub::protocol
