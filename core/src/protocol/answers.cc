#include "protocol/answers.h"

#include <string_view>
#include <vector>

#include "protocol/messages.h"

namespace hub::protocol {
namespace {

// What the answer answers: the message's kind and the unit's reference, when known.
void put_reference(Json& j, const std::string& reference, const std::string& request = {}) {
  if (!request.empty()) j["request"] = request;
  if (!reference.empty()) j["reference"] = reference;
}

// Adds `key` to a serialized non-empty object, its value already serialized
// (`raw_value`), so stored payloads are not parsed again on their way out.
void put_raw(std::string& out, const char* key, std::string_view raw_value) {
  out.pop_back();  // '}'
  out += ",\"";
  out += key;
  out += "\":";
  out += raw_value;
  out += '}';
}

// `head` with an already-serialized JSON object as the value of `key` ("{}" when empty).
std::string with_raw(const Json& head, const char* key, const std::string& raw_object) {
  std::string out = head.dump();
  put_raw(out, key, raw_object.empty() ? "{}" : raw_object);
  return out;
}

// Text from units and the store, with invalid UTF-8 replaced rather than thrown on.
std::string dumped(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

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
  return dumped(j);
}

std::string error(const std::string& code, const std::string& message, bool retry, const std::string& reference,
                  const Problems& problems, const std::string& request) {
  Json j{{"kind", "error"}, {"code", code}, {"message", message}, {"retry", retry}};
  put_reference(j, reference, request);
  if (!problems.empty()) {
    j["problems"] = Json::array();
    for (const auto& p : problems) j["problems"].push_back({{"pointer", p.pointer}, {"reason", p.reason}});
  }
  return dumped(j);
}

std::string read_error(std::int64_t case_id, const std::string& code, const std::string& message, bool retry) {
  Json j{{"kind", "error"}, {"code", code}, {"message", message}, {"retry", retry}, {"request", "read"},
         {"case", case_id}};
  return dumped(j);
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
  if (!d.annex_json.empty()) put_raw(out, "annex", d.annex_json);
  if (!d.attachments_json.empty()) put_raw(out, "attachments", d.attachments_json);
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
  std::string out = with_raw(head, "body", r.body_json);
  if (!r.attachments_json.empty()) put_raw(out, "attachments", r.attachments_json);
  return out;
}

namespace {

void put_time(Json& j, const char* key, const std::string& local_time) {
  if (!local_time.empty()) j[key] = local_time;
}

std::string delivery_state(const DeliveryState& d) {
  Json j{{"delivery", d.delivery}, {"to", d.to}, {"notice", d.notice}, {"stage", d.stage}};
  put_time(j, "dispatched_at", d.dispatched_at);
  put_time(j, "acked_at", d.acked_at);
  put_time(j, "sign_by", d.sign_by);
  put_time(j, "resolve_by", d.resolve_by);
  put_time(j, "signed_at", d.signed_at);
  put_time(j, "resolved_at", d.resolved_at);
  if (!d.notice) {
    j["extensions"] = d.extensions;
    j["reopens"] = d.reopens;
    j["escalations"] = {{"sign", d.sign_escalations}, {"resolve", d.resolve_escalations}};
  }
  if (!d.extension_until.empty())
    j["extension"] = {{"until", d.extension_until}, {"reason", d.extension_reason}, {"approver", d.extension_approver}};
  if (!d.return_reason.empty()) j["return_reason"] = d.return_reason;
  std::string out = dumped(j);
  append_members(out, d.detail_json);
  return out;
}

std::string reply_state(const ReplyState& r) {
  Json j{{"reply", r.reply}, {"delivery", r.delivery}, {"from", r.from}, {"reference", r.reference},
         {"final", r.final}, {"at", r.at}};
  if (!r.outcome.empty()) j["outcome"] = r.outcome;
  std::string out = dumped(j);
  put_raw(out, "body", r.body_json.empty() ? "{}" : r.body_json);
  if (!r.attachments_json.empty()) put_raw(out, "attachments", r.attachments_json);
  return out;
}

// A JSON array of already-serialized items.
template <class Item, class Serialize>
std::string raw_array(const std::vector<Item>& items, Serialize serialize) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += serialize(item);
  }
  return out += ']';
}

}  // namespace

std::string case_state(const CaseState& c) {
  Json head{{"kind", "case"},         {"request", "read"},       {"case", c.case_id},
            {"type", c.type},         {"type_name", c.type_name}, {"origin", c.origin},
            {"reference", c.reference}, {"compound", c.compound}, {"created_at", c.created_at},
            {"deliveries_truncated", c.deliveries_truncated},     {"replies_truncated", c.replies_truncated}};
  if (!c.parked_reason.empty()) head["parked"] = c.parked_reason;
  std::string out = dumped(head);
  put_raw(out, "payload", c.payload_json.empty() ? "{}" : c.payload_json);
  if (!c.annex_json.empty()) put_raw(out, "annex", c.annex_json);
  if (!c.attachments_json.empty()) put_raw(out, "attachments", c.attachments_json);
  put_raw(out, "deliveries", raw_array(c.deliveries, delivery_state));
  put_raw(out, "replies", raw_array(c.replies, reply_state));
  return out;
}

std::string upload_progress(const std::string& sha256, std::int64_t received, std::int64_t size) {
  return Json{{"kind", "upload_progress"}, {"request", "upload"}, {"sha256", sha256}, {"received", received},
              {"size", size}}.dump();
}

std::string uploaded(const std::string& sha256, std::int64_t size, const std::string& media_type) {
  return Json{{"kind", "uploaded"}, {"request", "upload"}, {"sha256", sha256}, {"size", size}, {"type", media_type}}
      .dump();
}

std::string file_chunk(const FileChunk& c) {
  Json j{{"kind", "file"}, {"request", "fetch"}, {"case", c.case_id}, {"sha256", c.file.sha256},
         {"name", c.file.name}, {"type", c.file.media_type}, {"size", c.file.size}, {"offset", c.offset},
         {"length", c.length}};
  if (!c.file.label.empty()) j["label"] = c.file.label;
  return dumped(j);
}

}  // namespace hub::protocol
