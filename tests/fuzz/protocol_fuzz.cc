// Any bytes a unit can send as a message body: parse() must answer with a
// message or a ParseError, never throw or crash; whatever parses is answered
// the way the hub answers it.
#include <cstdint>
#include <string>

#include "protocol/answers.h"
#include "protocol/messages.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace protocol = hub::protocol;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = protocol::parse(body, 64 * 1024);
  if (auto* error = std::get_if<protocol::ParseError>(&parsed)) {
    (void)protocol::error(error->code, error->message, false, error->reference);
    return 0;
  }
  const auto& message = std::get<protocol::Message>(parsed);
  if (const auto* send = std::get_if<protocol::Send>(&message)) {
    (void)protocol::accepted(send->reference, 1, false, {{2, send->type, false}}, "");
    protocol::OutgoingDelivery d;
    d.reference = send->reference;
    d.payload_json = send->payload.dump(-1, ' ', false, hub::Json::error_handler_t::replace);
    (void)protocol::delivery(d);
  } else if (const auto* reply = std::get_if<protocol::Reply>(&message)) {
    (void)protocol::reply_accepted(reply->reference, 1, false);
  } else if (const auto* t = std::get_if<protocol::Transition>(&message)) {
    (void)protocol::transition_accepted(t->reference, protocol::kind_name(t->kind), t->case_id, {{t->delivery, "signed"}},
                                        false);
  }
  return 0;
}
