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

}  // namespace

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                               unsigned int seed) {
  return hub::fuzz::mutate_json(data, size, max_size, seed);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
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
    (void)protocol::accepted(send->reference, 1, false, {{2, send->type, false}}, "");
    protocol::OutgoingDelivery d;
    d.reference = send->reference;
    d.payload_json = send->payload.dump(-1, ' ', false, Json::error_handler_t::replace);
    (void)protocol::delivery(d);
  } else if (const auto* reply = std::get_if<protocol::Reply>(&message)) {
    check_value(reply->body, 1);
    (void)protocol::reply_accepted(reply->reference, 1, false);
  } else if (const auto* t = std::get_if<protocol::Transition>(&message)) {
    (void)protocol::transition_accepted(t->reference, protocol::kind_name(t->kind), t->case_id, {{t->delivery, "signed"}},
                                        false);
  } else if (const auto* read = std::get_if<protocol::Read>(&message)) {
    if (read->case_id <= 0) violated("a read of a case id that is not positive");
    (void)protocol::read_error(read->case_id, protocol::code::kUnknownCase, "m", false);
  }
  return 0;
}
