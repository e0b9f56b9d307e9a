// hub/case.h: the case as plugins see it.
//
// Terms (see docs/ARCHITECTURE.md): a case is one matter sent by one unit (its
// originator) with a type, a JSON payload and the originator's reference; the
// pair (origin, reference) is the idempotency key. A delivery is the case on its
// way to one receiver; a reply is a receiver's message about its delivery.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hub/clock.h"

namespace hub {

using Json = nlohmann::json;
using CaseId = std::int64_t;
using DeliveryId = std::int64_t;

// A file a case or a reply carries (docs/PROTOCOL.md, "Attachments"). The
// hub stored it, named by the SHA-256 of its bytes, before it accepted the
// message naming it. `name` and `label` are the sender's words; `media_type`
// and `size` are what the hub found when it stored the bytes.
struct AttachmentView {
  std::string sha256;      // 64 lower-case hex digits
  std::string name;        // the file's name for people, e.g. "物业服务合同.pdf"
  std::string label;       // what the file is to the case, e.g. "contract"; may be empty
  std::string media_type;  // e.g. "application/pdf"
  std::int64_t size = 0;   // bytes
};

// A case before or after it is stored. id is 0 before commit.
struct CaseView {
  CaseId id = 0;
  std::string type;       // case type id, e.g. "registry.fee_check"
  std::string origin;     // unit id of the originator (from its key, never from the payload)
  std::string reference;  // originator's reference (idempotency key with origin)
  std::string compound;   // compound id the case concerns, or empty
  Json payload;           // always a JSON object
  std::vector<AttachmentView> attachments{};  // in the order the originator listed them
};

// One problem found by validation: where (RFC 6901 JSON pointer into the
// payload, "" for the whole payload) and why.
struct Problem {
  std::string pointer;
  std::string reason;
};
using Problems = std::vector<Problem>;

// What a receiver said about its delivery.
struct ReplyView {
  std::int64_t id = 0;
  DeliveryId delivery_id = 0;
  std::string from;     // receiver unit id
  bool final = false;   // true for the reply that resolves the delivery
  std::string outcome;  // for final replies: "done", "refused", ...
  Json body;            // free JSON object
  std::vector<AttachmentView> attachments{};
};

// A timer the plugin set earlier, now due.
struct TimerView {
  std::string name;
  TimePoint due;
  Json data;
};

}  // namespace hub
