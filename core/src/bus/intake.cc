#include "bus/intake.h"

#include <spdlog/spdlog.h>

#include "protocol/answers.h"
#include "store/sql_values.h"

namespace hub::bus {

void Intake::answer(const std::string& unit, std::string body) const {
  if (Status s = outbox_.send(unit, std::move(body)); !s.ok())
    spdlog::debug("intake: answer to {} not sent: {}", unit, s.message());
}

void Intake::refuse(const std::string& unit, const std::string& reference, const std::string& code,
                    const std::string& message, const Problems& problems, const std::string& case_type) {
  answer(unit, protocol::rejected(reference, code, message, problems));
  Json detail{{"code", code}, {"message", message}, {"reference", reference}};
  if (!problems.empty()) {
    detail["problems"] = Json::array();
    for (const auto& p : problems) detail["problems"].push_back({{"pointer", p.pointer}, {"reason", p.reason}});
  }
  queue_.push(store::Event{"rejected", 0, 0, 0, case_type, unit, "", std::move(detail)});
}

void Intake::handle(const std::string& unit, const std::string& body) {
  // A unit heard again after a silence or a hub restart gets its pending work
  // at once, not after the backoff (clients reconnect without a new hello).
  if (presence_.seen(unit)) unit_arrived_(unit);
  auto parsed = protocol::parse(body, settings_.max_payload_bytes, settings_.json_limits);
  if (auto* error = std::get_if<protocol::ParseError>(&parsed)) {
    Problems problems;
    if (!error->pointer.empty()) problems.push_back({error->pointer, error->message});
    answer(unit, protocol::error(error->code, error->message, false, error->reference, problems));
    Json detail{{"code", error->code}, {"message", error->message}};
    if (!error->pointer.empty()) detail["pointer"] = error->pointer;
    queue_.push(store::Event{"rejected", 0, 0, 0, "", unit, "", std::move(detail)});
    return;
  }
  auto& message = std::get<protocol::Message>(parsed);
  std::visit(
      [&](auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, protocol::Hello>) {
          answer(unit, protocol::welcome(unit, settings_.hub_id, settings_.heartbeat_seconds));
          unit_arrived_(unit);
        } else if constexpr (std::is_same_v<T, protocol::Heartbeat>) {
          answer(unit, protocol::heartbeat());
        } else if constexpr (std::is_same_v<T, protocol::Send>) {
          handle_send(unit, std::move(m));
        } else if constexpr (std::is_same_v<T, protocol::Ack>) {
          if (!queue_.push(store::NewAck{unit, m}))
            answer(unit, protocol::error(protocol::code::kBusy, "the hub is busy; the ack will be asked again", true, ""));
        } else if constexpr (std::is_same_v<T, protocol::Reply>) {
          const std::string reference = m.reference;
          if (!queue_.push(store::NewReply{unit, std::move(m)}))
            answer(unit, protocol::error(protocol::code::kBusy, "the hub is busy: resend this reply later", true, reference));
        } else if constexpr (std::is_same_v<T, protocol::Transition>) {
          const std::string reference = m.reference;
          if (!queue_.push(store::NewTransition{unit, std::move(m)}))
            answer(unit, protocol::error(protocol::code::kBusy, "the hub is busy: resend this request later", true, reference));
        }
      },
      message);
}

void Intake::handle_send(const std::string& unit, protocol::Send send) {
  const auto catalog = catalog_.get();
  const auto* type = catalog->case_type(send.type);
  if (type == nullptr) {
    refuse(unit, send.reference, protocol::code::kUnknownCaseType,
           "case type '" + send.type + "' is not configured in this hub", {}, send.type);
    return;
  }
  const auto* sender = catalog->unit(unit);
  if (sender == nullptr || !sender->may_send.count(send.type)) {
    refuse(unit, send.reference, protocol::code::kNotAllowed,
           "unit " + unit + " may not send case type " + send.type + " (" + type->name +
               "); ask the hub's operators to add it to the unit's may_send",
           {}, send.type);
    return;
  }
  if (!send.compound.empty() && catalog->directory().compound(send.compound) == nullptr) {
    refuse(unit, send.reference, protocol::code::kInvalidPayload, "compound '" + send.compound + "' is not in the directory",
           {{"", "unknown compound " + send.compound}}, send.type);
    return;
  }
  CaseView c{0, send.type, unit, send.reference, send.compound, std::move(send.payload)};
  Problems problems = type->impl->validate(c);
  if (!problems.empty()) {
    refuse(unit, c.reference, protocol::code::kInvalidPayload,
           std::to_string(problems.size()) + " problem(s) in the payload of " + c.type + ": fix them and send again",
           problems, c.type);
    return;
  }
  router::Decision decision = catalog->router().route(c, catalog->directory());
  std::string payload_json = store::json_param(c.payload);
  c.payload = Json();  // the store takes the text; the tree is not kept in the queue
  store::NewCase item{std::move(c), std::move(payload_json), std::move(decision), type->plugin, type->hooks, type->enriched};
  const std::string reference = item.c.reference;
  if (!queue_.push(std::move(item)))
    answer(unit, protocol::error(protocol::code::kBusy, "the hub is busy: nothing was stored; send again later", true,
                                 reference));
}

}  // namespace hub::bus
