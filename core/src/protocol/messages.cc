#include "protocol/messages.h"

#include <array>
#include <utility>

#include "protocol/attachments.h"
#include "util/time_parse.h"

namespace hub::protocol {
namespace {

using Result = std::variant<Message, ParseError>;

ParseError invalid(const std::string& message, const std::string& reference = {}) {
  return {code::kInvalidEnvelope, message, reference, {}, {}};
}

// A string field: required or optional, bounded.
bool read_string(const Json& j, const char* key, bool required, std::size_t max_len, std::string& out,
                 std::string& error) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) error = std::string("field '") + key + "' is required (a string)";
    return !required;
  }
  if (!it->is_string()) {
    error = std::string("field '") + key + "' must be a string";
    return false;
  }
  out = it->get<std::string>();
  if (out.size() > max_len) {
    error = std::string("field '") + key + "' is longer than " + std::to_string(max_len) + " bytes";
    return false;
  }
  if (required && out.empty()) {
    error = std::string("field '") + key + "' must not be empty";
    return false;
  }
  return true;
}

bool read_id(const Json& j, const char* key, std::int64_t& out, std::string& error) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer() || it->get<std::int64_t>() <= 0) {
    error = std::string("field '") + key + "' is required (a positive integer id)";
    return false;
  }
  out = it->get<std::int64_t>();
  return true;
}

// The optional "attachments" of a send or reply: [{sha256, name, label?}, ...].
// Every problem goes to `problems`, with its pointer.
bool read_attachments(const Json& j, std::vector<AttachmentRef>& out, std::string& error) {
  auto it = j.find("attachments");
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_array()) {
    error = "field 'attachments' must be an array of {\"sha256\", \"name\", \"label\"}";
    return false;
  }
  if (it->size() > kMaxAttachments) {
    error = "field 'attachments' names " + std::to_string(it->size()) + " files; a message names at most " +
            std::to_string(kMaxAttachments);
    return false;
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    const Json& a = (*it)[i];
    const std::string at = "attachments[" + std::to_string(i) + "]";
    if (!a.is_object()) {
      error = at + " must be an object {\"sha256\", \"name\", \"label\"}";
      return false;
    }
    for (const auto& [key, value] : a.items()) {
      if (key != "sha256" && key != "name" && key != "label") {
        error = at + " has an unknown member '" + echoed(key) + "' (expected sha256, name and label)";
        return false;
      }
    }
    AttachmentRef ref;
    std::string member_error;
    if (!read_string(a, "sha256", true, 64, ref.sha256, member_error) || !is_sha256_hex(ref.sha256)) {
      error = at + ".sha256 must be the SHA-256 of an uploaded file, as 64 lower-case hex digits";
      return false;
    }
    if (!read_string(a, "name", true, 255, ref.name, member_error)) {
      error = at + ": " + member_error;
      return false;
    }
    if (auto problem = file_name_problem(ref.name)) {
      error = at + ".name: " + *problem;
      return false;
    }
    if (!read_string(a, "label", false, 64, ref.label, member_error)) {
      error = at + ": " + member_error;
      return false;
    }
    for (const auto& earlier : out)
      if (earlier.sha256 == ref.sha256) {
        error = at + " names the same file as an earlier entry: name each file once";
        return false;
      }
    out.push_back(std::move(ref));
  }
  return true;
}

Result parse_send(Json& j) {
  Send s;
  std::string error;
  read_string(j, "reference", false, kMaxReferenceLength, s.reference, error);
  const std::string ref = s.reference;
  if (!error.empty() || !read_string(j, "reference", true, kMaxReferenceLength, s.reference, error) ||
      !read_string(j, "type", true, 128, s.type, error) || !read_string(j, "compound", false, 128, s.compound, error))
    return invalid(error, ref);
  auto payload = j.find("payload");
  if (payload == j.end() || !payload->is_object())
    return invalid("field 'payload' is required (a JSON object)", ref);
  if (!read_attachments(j, s.attachments, error)) return invalid(error, ref);
  s.payload = std::move(*payload);
  return Message{std::move(s)};
}

Result parse_ack(const Json& j) {
  Ack a;
  std::string error;
  const bool has_delivery = j.contains("delivery"), has_reply = j.contains("reply"), has_update = j.contains("update");
  if (int(has_delivery) + int(has_reply) + int(has_update) != 1)
    return invalid("an ack names exactly one of 'delivery', 'reply' or 'update'");
  a.what = has_delivery ? Ack::What::kDelivery : has_reply ? Ack::What::kReply : Ack::What::kUpdate;
  if (!read_id(j, has_delivery ? "delivery" : has_reply ? "reply" : "update", a.id, error)) return invalid(error);
  return Message{a};
}

Result parse_reply(Json& j) {
  Reply r;
  std::string error;
  std::string ref;
  read_string(j, "reference", false, kMaxReferenceLength, ref, error);
  if (!read_id(j, "delivery", r.delivery, error) ||
      !read_string(j, "reference", true, kMaxReferenceLength, r.reference, error) ||
      !read_string(j, "outcome", false, 64, r.outcome, error))
    return invalid(error, ref);
  if (auto f = j.find("final"); f != j.end()) {
    if (!f->is_boolean()) return invalid("field 'final' must be true or false", ref);
    r.final = f->get<bool>();
  }
  if (r.final && r.outcome.empty()) return invalid("a final reply needs an 'outcome' (e.g. \"done\")", ref);
  auto body = j.find("body");
  if (body != j.end() && !body->is_object()) return invalid("field 'body' must be a JSON object", ref);
  if (!read_attachments(j, r.attachments, error)) return invalid(error, ref);
  r.body = body == j.end() ? Json::object() : std::move(*body);
  return Message{std::move(r)};
}

constexpr std::array<std::pair<Transition::Kind, const char*>, 8> kTransitionKinds = {{
    {Transition::Kind::kSign, "sign"},
    {Transition::Kind::kReturn, "return"},
    {Transition::Kind::kAssign, "assign"},
    {Transition::Kind::kExtend, "extend"},
    {Transition::Kind::kGrantExtension, "grant_extension"},
    {Transition::Kind::kRefuseExtension, "refuse_extension"},
    {Transition::Kind::kClose, "close"},
    {Transition::Kind::kReopen, "reopen"},
}};

constexpr std::size_t kMaxReasonLength = 2000;

// Which fields each kind needs is part of the protocol; the lifecycle checks
// the rest (stages, roles, deadlines) against the stored case.
Result parse_transition(const Json& j, Transition::Kind kind) {
  Transition t;
  t.kind = kind;
  std::string error, ref;
  read_string(j, "reference", false, kMaxReferenceLength, ref, error);
  if (!read_string(j, "reference", true, kMaxReferenceLength, t.reference, error)) return invalid(error, ref);
  const bool by_originator = kind == Transition::Kind::kClose || kind == Transition::Kind::kReopen;
  if (by_originator) {
    if (!read_id(j, "case", t.case_id, error)) return invalid(error, ref);
    if (j.contains("delivery") && !read_id(j, "delivery", t.delivery, error)) return invalid(error, ref);
  } else if (!read_id(j, "delivery", t.delivery, error)) {
    return invalid(error, ref);
  }
  if (!read_string(j, "reason", false, kMaxReasonLength, t.reason, error)) return invalid(error, ref);
  const bool needs_reason = kind == Transition::Kind::kReturn || kind == Transition::Kind::kExtend ||
                            kind == Transition::Kind::kRefuseExtension || kind == Transition::Kind::kReopen;
  if (needs_reason && t.reason.find_first_not_of(" \t\r\n") == std::string::npos)
    return ParseError{code::kReasonRequired,
                      std::string("a '") + kind_name(kind) + "' needs a 'reason': say why, for the other unit and the record",
                      ref, {}, {}};
  if (kind == Transition::Kind::kAssign && !read_string(j, "to", true, 128, t.to, error)) return invalid(error, ref);
  std::string until;
  if (!read_string(j, "until", false, 64, until, error)) return invalid(error, ref);
  if (!until.empty()) {
    t.until = parse_iso8601(until);
    if (!t.until)
      return invalid("field 'until' must be a time with its offset, e.g. \"2026-12-03T18:00:00+08:00\"", ref);
  } else if (kind == Transition::Kind::kExtend) {
    return invalid("an 'extend' needs 'until', the time asked for (e.g. \"2026-12-03T18:00:00+08:00\")", ref);
  }
  return Message{std::move(t)};
}

Result parse_read(const Json& j) {
  Read r;
  std::string error;
  if (!read_id(j, "case", r.case_id, error)) return invalid(error);
  return Message{r};
}

bool read_count(const Json& j, const char* key, bool required, std::int64_t& out, std::string& error) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) error = std::string("field '") + key + "' is required (a whole number of bytes, 0 or more)";
    return !required;
  }
  if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
    error = std::string("field '") + key + "' must be a whole number of bytes, 0 or more";
    return false;
  }
  out = it->get<std::int64_t>();
  return true;
}

Result parse_upload(const Json& j) {
  Upload u;
  std::string error;
  if (!read_string(j, "sha256", true, 64, u.sha256, error) || !is_sha256_hex(u.sha256))
    return invalid("field 'sha256' is required: the SHA-256 of the whole file, as 64 lower-case hex digits");
  if (!read_string(j, "type", true, 128, u.media_type, error)) return invalid(error);
  if (!read_count(j, "size", true, u.size, error) || !read_count(j, "offset", false, u.offset, error))
    return invalid(error);
  if (u.size == 0) return invalid("field 'size' must be above 0: an empty file is not an attachment");
  return Message{std::move(u)};
}

Result parse_fetch(const Json& j) {
  Fetch f;
  std::string error;
  if (!read_id(j, "case", f.case_id, error)) return invalid(error);
  if (!read_string(j, "sha256", true, 64, f.sha256, error) || !is_sha256_hex(f.sha256))
    return invalid("field 'sha256' is required: the file's SHA-256 as the case lists it");
  if (!read_count(j, "offset", false, f.offset, error) || !read_count(j, "length", false, f.length, error))
    return invalid(error);
  return Message{std::move(f)};
}

}  // namespace

std::string echoed(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
  return std::string(text.substr(0, cut)) + "…";
}

const char* kind_name(Transition::Kind kind) {
  for (const auto& [k, name] : kTransitionKinds)
    if (k == kind) return name;
  return "unknown";
}

std::variant<Message, ParseError> parse(std::string_view body, std::size_t max_bytes, const JsonLimits& limits) {
  if (body.size() > max_bytes)
    return ParseError{code::kOversized, "message of " + std::to_string(body.size()) + " bytes exceeds the limit of " +
                                            std::to_string(max_bytes) + " bytes", {}, {}, {}};
  auto parsed = parse_bounded(body, limits);
  if (auto* refusal = std::get_if<JsonRefusal>(&parsed))
    return ParseError{std::move(refusal->code), std::move(refusal->message),
                      echoed(refusal->reference, kMaxReferenceLength), std::move(refusal->pointer), {}};
  Json& j = std::get<Json>(parsed);
  if (!j.is_object()) return ParseError{code::kMalformedJson, "the body must be one JSON object in UTF-8", {}, {}, {}};
  auto kind_it = j.find("kind");
  if (kind_it == j.end() || !kind_it->is_string()) return invalid("field 'kind' is required (a string)");
  const std::string& kind = kind_it->get_ref<const std::string&>();
  // A refusal of a message of a known kind names that kind (the answer's "request").
  const auto of_kind = [&kind](Result result) {
    if (auto* error = std::get_if<ParseError>(&result)) error->request = kind;
    return result;
  };
  if (kind == "send") return of_kind(parse_send(j));
  if (kind == "ack") return of_kind(parse_ack(j));
  if (kind == "reply") return of_kind(parse_reply(j));
  if (kind == "read") return of_kind(parse_read(j));
  if (kind == "upload") return of_kind(parse_upload(j));
  if (kind == "fetch") return of_kind(parse_fetch(j));
  if (kind == "heartbeat") return Message{Heartbeat{}};
  if (kind == "hello") {
    Hello h;
    std::string error;
    if (!read_string(j, "client", false, 128, h.client, error)) return of_kind(invalid(error));
    return Message{std::move(h)};
  }
  for (const auto& [k, name] : kTransitionKinds)
    if (kind == name) return of_kind(parse_transition(j, k));
  return ParseError{code::kUnknownKind,
                    "unknown kind '" + echoed(kind) +
                        "' (expected hello, heartbeat, send, ack, reply, sign, return, assign, extend, "
                        "grant_extension, refuse_extension, close, reopen, read, upload or fetch)",
                    {}, {}, {}};
}

}  // namespace hub::protocol
