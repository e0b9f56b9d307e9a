#include "protocol/answers.h"

#include "protocol/messages.h"

namespace hub::protocol {
namespace {

// What the answer answers: the message's kind and the unit's reference, when known.
void put_reference(Json& j, const std::string& reference, const std::string& request = {}) {
  if (!request.empty()) j["request"] = request;
  if (!reference.empty()) j["reference"] = reference;
}

// Splices an already-serialized JSON object in as the value of `key`, so stored
// payloads are not parsed again on their way out.
std::string with_raw(const Json& head, const char* key, const std::string& raw_object) {
  std::string out = head.dump();
  out.pop_back();  // '}'
  out += ",\"";
  out += key;
  out += "\":";
  out += raw_object.empty() ? "{}" : raw_object;
  out += '}';
  return out;
}

// Appends the members of an already-serialized object to a serialized object.
void append_members(std::string& out, const std::string& raw_object) {
  if (raw_object.size() <= 2) return;  // "{}" or empty
  out.pop_back();  // '}'
  out += ',';
  out.append(raw_object, 1, std::string::npos);
}

}  // namespace

std::string welcome(const std::string& unit, const std::string& hub_id, int heartbeat_seconds) {
  return Json{{"kind", "welcome"}, {"unit", unit}, {"hub", hub_id}, {"protocol", kVersion},
              {"heartbeat_seconds", heartbeat_seconds}}.dump();
}

std::string heartbeat() { return R"({"kind":"heartbeat"})"; }

std::string accepted(const std::string& reference, std::int64_t case_id, bool duplicate,
                     const std::vector<DeliveryRef>& deliveries, const std::string& parked_reason) {
  Json j{{"kind", "accepted"}, {"case", case_id}, {"duplicate", duplicate}, {"deliveries", Json::array()}};
  put_reference(j, reference, "send");
  for (const auto& d : deliveries) j["deliveries"].push_back({{"delivery", d.delivery}, {"to", d.to}, {"notice", d.notice}});
  if (!parked_reason.empty()) j["parked"] = parked_reason;
  return j.dump();
}

std::string rejected(const std::string& reference, const std::string& code, const std::string& message,
                     const Problems& problems) {
  Json j{{"kind", "rejected"}, {"code", code}, {"message", message}, {"problems", Json::array()}};
  put_reference(j, reference, "send");
  for (const auto& p : problems) j["problems"].push_back({{"pointer", p.pointer}, {"reason", p.reason}});
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string error(const std::string& code, const std::string& message, bool retry, const std::string& reference,
                  const Problems& problems, const std::string& request) {
  Json j{{"kind", "error"}, {"code", code}, {"message", message}, {"retry", retry}};
  put_reference(j, reference, request);
  if (!problems.empty()) {
    j["problems"] = Json::array();
    for (const auto& p : problems) j["problems"].push_back({{"pointer", p.pointer}, {"reason", p.reason}});
  }
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string reply_accepted(const std::string& reference, std::int64_t reply_id, bool duplicate) {
  Json j{{"kind", "reply_accepted"}, {"reply", reply_id}, {"duplicate", duplicate}};
  put_reference(j, reference, "reply");
  return j.dump();
}

std::string delivery(const OutgoingDelivery& d) {
  Json head{{"kind", "delivery"}, {"delivery", d.delivery}, {"case", d.case_id}, {"type", d.type},
            {"type_name", d.type_name}, {"origin", d.origin}, {"reference", d.reference},
            {"compound", d.compound}, {"notice", d.notice}, {"attempt", d.attempt}};
  if (!d.sign_by.empty()) head["sign_by"] = d.sign_by;
  if (!d.resolve_by.empty()) head["resolve_by"] = d.resolve_by;
  std::string out = with_raw(head, "payload", d.payload_json);
  append_members(out, d.detail_json);
  if (d.annex_json.empty()) return out;
  out.pop_back();  // '}'
  out += ",\"annex\":";
  out += d.annex_json;
  out += '}';
  return out;
}

std::string transition_accepted(const std::string& reference, const std::string& request, std::int64_t case_id,
                                const std::vector<StageRef>& deliveries, bool duplicate) {
  Json j{{"kind", "transition_accepted"}, {"request", request}, {"case", case_id}, {"duplicate", duplicate},
         {"deliveries", Json::array()}};
  put_reference(j, reference);
  for (const auto& d : deliveries) j["deliveries"].push_back({{"delivery", d.delivery}, {"stage", d.stage}});
  return j.dump();
}

std::string update(const OutgoingUpdate& u) {
  std::string out = Json{{"update", u.update}, {"attempt", u.attempt}}.dump();
  append_members(out, u.body_json);
  return out;
}

std::string forwarded_reply(const OutgoingReply& r) {
  Json head{{"kind", "reply"}, {"reply", r.reply}, {"case", r.case_id}, {"delivery", r.delivery},
            {"from", r.from}, {"reference", r.reference}, {"final", r.final}, {"attempt", r.attempt}};
  if (!r.outcome.empty()) head["outcome"] = r.outcome;
  return with_raw(head, "body", r.body_json);
}

}  // namespace hub::protocol
