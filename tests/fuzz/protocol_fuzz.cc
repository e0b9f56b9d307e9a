// Any bytes a unit can send as a message body, shaped by a structure-aware
// mutator (json_mutator.h): parse() must answer with a message or a
// ParseError, never throw or crash, whatever the depth, width or length. Its
// properties, checked on every input:
//  - a refusal has a documented code and a pointer that is "" or starts "/";
//  - what parses is no deeper than the limit, holds no U+0000, and its payload
//    or body comes back as the same value after the hub serializes it (numbers
//    carried exactly);
//  - whatever parses is answered the way the hub answers it.
// Run with -max_len=300000 (the ctest entry does) so bodies reach the limits.
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "json_mutator.h"
#include "protocol/answers.h"
#include "protocol/attachments.h"
#include "protocol/messages.h"

namespace {

namespace protocol = hub::protocol;
using hub::Json;

constexpr std::size_t kMaxBytes = 256 * 1024;

[[noreturn]] void violated(const char* property) {
  std::fprintf(stderr, "property violated: %s\n", property);
  std::abort();
}

// Depth of a tree and whether any string or key holds U+0000; no recursion.
void inspect(const Json& root, std::size_t& depth, bool& nul) {
  std::vector<std::pair<const Json*, std::size_t>> pending{{&root, 1}};
  depth = 0;
  nul = false;
  while (!pending.empty()) {
    auto [j, level] = pending.back();
    pending.pop_back();
    if (j->is_string()) nul |= j->get_ref<const std::string&>().find('\0') != std::string::npos;
    if (!j->is_structured()) continue;
    depth = std::max(depth, level);
    for (auto it = j->begin(); it != j->end(); ++it) {
      if (j->is_object()) nul |= it.key().find('\0') != std::string::npos;
      pending.push_back({&*it, level + 1});
    }
  }
}

void check_value(const Json& value, std::size_t depth_below) {
  std::size_t depth = 0;
  bool nul = false;
  inspect(value, depth, nul);
  if (depth + depth_below > protocol::JsonLimits{}.max_depth) violated("a parsed value is deeper than the limit");
  if (nul) violated("a parsed value holds U+0000");
  const std::string serialized = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  auto again = protocol::parse_bounded(serialized, protocol::JsonLimits{}, false);
  if (!std::holds_alternative<Json>(again)) violated("the hub's own serialization of a parsed value is refused");
  if (std::get<Json>(again) != value) violated("a value changed on its way through the hub");
}

const std::set<std::string>& documented_codes() {
  static const std::set<std::string> codes = {
      protocol::code::kMalformedJson, protocol::code::kInvalidEnvelope, protocol::code::kUnknownKind,
      protocol::code::kOversized,     protocol::code::kTooDeep,         protocol::code::kTooManyValues,
      protocol::code::kTooManyKeys,   protocol::code::kTooManyItems,    protocol::code::kStringTooLong,
      protocol::code::kControlCharacter, protocol::code::kDuplicateKey, protocol::code::kInexactNumber,
      protocol::code::kReasonRequired};
  return codes;
}

// What a message names as files: at most the protocol's count, each a digest
// and a name a person can be shown, each file once.
void check_attachments(const std::vector<protocol::AttachmentRef>& refs) {
  if (refs.size() > protocol::kMaxAttachments) violated("more files named than a message may name");
  std::set<std::string> seen;
  for (const auto& r : refs) {
    if (!protocol::is_sha256_hex(r.sha256)) violated("a file named by something else than a SHA-256");
    if (protocol::file_name_problem(r.name)) violated("a file name people cannot be shown");
    if (r.label.size() > 64) violated("a label over 64 bytes");
    if (!seen.insert(r.sha256).second) violated("one file named twice in a message");
  }
}

}  // namespace

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                               unsigned int seed) {
  return hub::fuzz::mutate_json(data, size, max_size, seed);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  // Any first bytes of a file, of any length up to the signature's, against every type: an answer, never a throw.
  for (const auto& known : protocol::known_media_types())
    (void)protocol::bytes_look_like(known.media_type, body.substr(0, size % (protocol::kSniffBytes + 1)));
  auto parsed = protocol::parse(body, kMaxBytes);
  if (auto* error = std::get_if<protocol::ParseError>(&parsed)) {
    if (!documented_codes().count(error->code)) violated("a refusal with an undocumented code");
    if (!error->pointer.empty() && error->pointer[0] != '/') violated("a refusal's pointer is not RFC 6901");
    (void)protocol::error(error->code, error->message, false, error->reference);
    return 0;
  }
  const auto& message = std::get<protocol::Message>(parsed);
  if (const auto* send = std::get_if<protocol::Send>(&message)) {
    check_value(send->payload, 1);
    check_attachments(send->attachments);
    (void)protocol::accepted(send->reference, 1, false, {{2, send->type, false}}, "");
    protocol::OutgoingDelivery d;
    d.reference = send->reference;
    d.payload_json = send->payload.dump(-1, ' ', false, Json::error_handler_t::replace);
    (void)protocol::delivery(d);
  } else if (const auto* reply = std::get_if<protocol::Reply>(&message)) {
    check_value(reply->body, 1);
    check_attachments(reply->attachments);
    (void)protocol::reply_accepted(reply->reference, 1, false);
  } else if (const auto* t = std::get_if<protocol::Transition>(&message)) {
    (void)protocol::transition_accepted(t->reference, protocol::kind_name(t->kind), t->case_id, {{t->delivery, "signed"}},
                                        false);
  } else if (const auto* read = std::get_if<protocol::Read>(&message)) {
    if (read->case_id <= 0) violated("a read of a case id that is not positive");
    (void)protocol::read_error(read->case_id, protocol::code::kUnknownCase, "m", false);
  } else if (const auto* upload = std::get_if<protocol::Upload>(&message)) {
    if (!protocol::is_sha256_hex(upload->sha256) || upload->size <= 0 || upload->offset < 0)
      violated("an upload without a digest, a size or a place");
    (void)protocol::upload_progress(upload->sha256, upload->offset, upload->size);
  } else if (const auto* fetch = std::get_if<protocol::Fetch>(&message)) {
    if (fetch->case_id <= 0 || !protocol::is_sha256_hex(fetch->sha256) || fetch->offset < 0 || fetch->length < 0)
      violated("a fetch without a case, a digest or a place");
  }
  return 0;
}
