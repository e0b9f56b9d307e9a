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

}  // namespace hub::protocol
