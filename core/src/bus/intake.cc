#include "bus/intake.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "catalog/attachment_rule.h"
#include "protocol/answers.h"
#include "store/sql_values.h"

namespace hub::bus {
namespace {

std::string quota_text(const config::UnitQuota& q) {
  return fmt::format("{} messages/s (bursts of {}), {} bytes/s (bursts of {})", q.messages_per_second,
                     q.burst_messages, q.bytes_per_second, q.burst_bytes);
}

}  // namespace

void Intake::answer(const std::string& unit, const protocol::AnswerTo& to, std::string body) const {
  if (Status s = outbox_.answer(unit, to, std::move(body)); !s.ok())
    spdlog::debug("intake: answer to {} not sent: {}", unit, s.message());
}

void Intake::over_quota(const std::string& unit, const protocol::AnswerTo& to,
                        const UnitQuotas::Refusal& refusal) const {
  if (refusal.to_log > 0)
    spdlog::warn("quota: unit {} sends more than its quota of {}: {} message(s) dropped unread since the last such "
                 "line (raise hub.unit_quota or the unit's quota if this is its normal load)",
                 unit, quota_text(refusal.quota), refusal.to_log);
  if (refusal.answer || to.each_request)
    answer(unit, to, protocol::error(protocol::code::kRateLimited,
                                 "unit " + unit + " sent more than its quota of " + quota_text(refusal.quota) +
                                     ": messages were dropped unread; slow down, and send again whatever was "
                                     "not answered",
                                 true, ""));
}

void Intake::not_queued(const std::string& unit, const protocol::AnswerTo& to, CommitQueue::Admission admission,
                        const std::string& request, const std::string& reference, const std::string& what) const {
  std::string message;
  switch (admission) {
    case CommitQueue::Admission::kQueued: return;
    case CommitQueue::Admission::kUnitFull: {
      const auto [items, bytes] = queue_.pending_of(unit);
      message = fmt::format("unit {} already has {} messages ({} bytes) waiting to be stored: {}; wait for their "
                            "answers, then send again", unit, items, bytes, what);
      break;
    }
    case CommitQueue::Admission::kHubFull: message = "the hub is busy: " + what + "; send again later"; break;
    case CommitQueue::Admission::kClosed: message = "the hub is stopping: " + what + "; send again later"; break;
  }
  answer(unit, to, protocol::error(protocol::code::kBusy, message, true, reference, {}, request));
}

void Intake::not_pooled(const std::string& unit, const protocol::AnswerTo& to, IntakePool::Admission admission) {
  std::string why;
  switch (admission) {
    case IntakePool::Admission::kQueued: return;
    case IntakePool::Admission::kUnitFull:
      why = "unit " + unit + " already has as many messages waiting to be read as the hub holds for one unit";
      break;
    case IntakePool::Admission::kHubFull: why = "the hub is busy"; break;
    case IntakePool::Admission::kStopped: why = "the hub is stopping"; break;
  }
  const RefusalPacer::Verdict paced = unread_.refuse(unit, RefusalPacer::SteadyClock::now());
  if (paced.to_log > 0)
    spdlog::warn("intake: {}: {} message(s) of {} dropped unread since the last such line (answered busy at most "
                 "once a second)",
                 why, paced.to_log, unit);
  if (paced.answer || to.each_request)
    answer(unit, to, protocol::error(protocol::code::kBusy, why + ": messages were dropped unread; wait for the "
                                                                  "answers you are owed, then send again whatever "
                                                                  "was not answered",
                                     true, ""));
}

void Intake::record_rejection(const std::string& unit, const std::string& case_type, Json detail) {
  const auto recorded = rejections_.admit(unit, std::chrono::steady_clock::now());
  if (!recorded) return;
  if (*recorded > 0) detail["suppressed_before"] = *recorded;
  const std::size_t bytes = detail.dump().size();
  if (!queue_.push(store::Event{"rejected", 0, 0, 0, case_type, unit, "", std::move(detail)}, bytes))
    spdlog::debug("intake: a refusal of {} was not recorded: the commit queue is full", unit);
}

void Intake::refuse(const std::string& unit, const protocol::AnswerTo& to, const std::string& reference, const std::string& code,
                    const std::string& message, Problems problems, const std::string& case_type) {
  if (problems.size() > kMostProblems) {
    const std::size_t more = problems.size() - kMostProblems;
    problems.resize(kMostProblems);
    problems.push_back({"", std::to_string(more) + " more problem(s) not listed: fix these and send again"});
  }
  answer(unit, to, protocol::rejected(reference, code, message, problems));
  Json detail{{"code", code}, {"message", message}, {"reference", reference}};
  if (!problems.empty()) {
    detail["problems"] = Json::array();
    for (const auto& p : problems) detail["problems"].push_back({{"pointer", p.pointer}, {"reason", p.reason}});
  }
  record_rejection(unit, case_type, std::move(detail));
}

bool Intake::admit(const std::string& unit, const protocol::AnswerTo& to, const std::string& body) {
  const auto refusal = quotas_.admit(unit, body, std::chrono::steady_clock::now());
  if (refusal) over_quota(unit, to, *refusal);
  return !refusal;
}

void Intake::handle(const std::string& unit, const protocol::AnswerTo& to, const std::string& body) {
  // A unit heard again after a silence or a hub restart gets its pending work
  // at once, not after the backoff (clients reconnect without a new hello).
  if (presence_.seen(unit)) unit_arrived_(unit);
  auto parsed = protocol::parse(body, settings_.max_payload_bytes, settings_.json_limits);
  if (auto* error = std::get_if<protocol::ParseError>(&parsed)) {
    Problems problems;
    if (!error->pointer.empty()) problems.push_back({error->pointer, error->message});
    answer(unit, to, protocol::error(error->code, error->message, false, error->reference, problems, error->request));
    Json detail{{"code", error->code}, {"message", error->message}};
    if (!error->pointer.empty()) detail["pointer"] = error->pointer;
    record_rejection(unit, "", std::move(detail));
    return;
  }
  auto& message = std::get<protocol::Message>(parsed);
  const std::size_t bytes = body.size();
  std::visit(
      [&](auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, protocol::Hello>) {
          answer(unit, to, protocol::welcome(unit, settings_.hub_id, settings_.heartbeat_seconds));
          unit_arrived_(unit);
        } else if constexpr (std::is_same_v<T, protocol::Heartbeat>) {
          answer(unit, to, protocol::heartbeat());
        } else if constexpr (std::is_same_v<T, protocol::Send>) {
          handle_send(unit, to, std::move(m), bytes);
        } else if constexpr (std::is_same_v<T, protocol::Ack>) {
          // Acks are never answered (PROTOCOL.md): one the queue cannot take is
          // dropped, and the delivery comes again after its backoff to be acked then.
          if (queue_.push(store::NewAck{unit, m}, bytes) != CommitQueue::Admission::kQueued)
            spdlog::debug("intake: an ack of {} was dropped: the commit queue is full", unit);
        } else if constexpr (std::is_same_v<T, protocol::Reply>) {
          handle_reply(unit, to, std::move(m), bytes);
        } else if constexpr (std::is_same_v<T, protocol::Transition>) {
          const std::string reference = m.reference;
          const std::string request = protocol::kind_name(m.kind);
          not_queued(unit, to, queue_.push(store::NewTransition{unit, std::move(m), to}, bytes), request, reference,
                     "this request was not carried out");
        } else if constexpr (std::is_same_v<T, protocol::Read>) {
          reads_.submit(unit, to, m);
        } else if constexpr (std::is_same_v<T, protocol::Fetch>) {
          files_.fetch(unit, to, m);
        } else if constexpr (std::is_same_v<T, protocol::Upload>) {
          answer(unit, to, protocol::error(protocol::code::kInvalidUpload,
                                           "an upload's bytes travel beside its JSON: as the third frame over "
                                           "ZeroMQ, as the request body over HTTP (docs/PROTOCOL.md, \"upload\")",
                                           false, m.sha256, {}, "upload"));
        }
      },
      message);
}

void Intake::handle_send(const std::string& unit, const protocol::AnswerTo& to, protocol::Send send,
                         std::size_t bytes) {
  const auto catalog = catalog_.get();
  const auto* type = catalog->case_type(send.type);
  if (type == nullptr) {
    refuse(unit, to, send.reference, protocol::code::kUnknownCaseType,
           "case type '" + send.type + "' is not configured in this hub", {}, send.type);
    return;
  }
  const auto* sender = catalog->unit(unit);
  if (sender == nullptr || !sender->may_send.count(send.type)) {
    refuse(unit, to, send.reference, protocol::code::kNotAllowed,
           "unit " + unit + " may not send case type " + send.type + " (" + type->name +
               "); ask the hub's operators to add it to the unit's may_send",
           {}, send.type);
    return;
  }
  if (!send.compound.empty() && catalog->directory().compound(send.compound) == nullptr) {
    refuse(unit, to, send.reference, protocol::code::kInvalidPayload, "compound '" + send.compound + "' is not in the directory",
           {{"", "unknown compound " + send.compound}}, send.type);
    return;
  }
  CaseView c{0, send.type, unit, send.reference, send.compound, std::move(send.payload), {}};
  if (!send.attachments.empty()) {
    auto files = stored_files(unit, to, send.attachments, "send", send.reference, send.type);
    if (!files) return;
    c.attachments = std::move(*files);
  }
  Problems problems = catalog::attachment_problems(type->attachments, c.attachments, c.type);
  Problems of_payload = type->impl->validate(c);
  problems.insert(problems.end(), of_payload.begin(), of_payload.end());
  if (!problems.empty()) {
    // Told before the problems are moved into the call (its arguments have no order).
    const std::string message =
        std::to_string(problems.size()) + " problem(s) in the payload or files of " + c.type + ": fix them and send again";
    refuse(unit, to, c.reference, protocol::code::kInvalidPayload, message, std::move(problems), c.type);
    return;
  }
  router::Decision decision = catalog->router().route(c, catalog->directory());
  std::string payload_json = store::json_param(c.payload);
  c.payload = Json();  // the store takes the text; the tree is not kept in the queue
  store::NewCase item{std::move(c),        std::move(payload_json), std::move(decision), type->plugin,
                      type->hooks,         type->enriched,          to};
  const std::string reference = item.c.reference;
  not_queued(unit, to, queue_.push(std::move(item), bytes), "send", reference, "nothing was stored");
}

void Intake::handle_reply(const std::string& unit, const protocol::AnswerTo& to, protocol::Reply reply,
                          std::size_t bytes) {
  const std::string reference = reply.reference;
  std::vector<AttachmentView> files;
  if (!reply.attachments.empty()) {
    auto stored = stored_files(unit, to, reply.attachments, "reply", reference, "");
    if (!stored) return;
    files = std::move(*stored);
  }
  not_queued(unit, to, queue_.push(store::NewReply{unit, std::move(reply), to, std::move(files)}, bytes), "reply",
             reference, "this reply was not stored");
}

std::optional<std::vector<AttachmentView>> Intake::stored_files(const std::string& unit, const protocol::AnswerTo& to,
                                                                const std::vector<protocol::AttachmentRef>& refs,
                                                                const std::string& request,
                                                                const std::string& reference,
                                                                const std::string& case_type) {
  std::vector<std::string> digests;
  for (const auto& r : refs) digests.push_back(r.sha256);
  auto found = files_.uploaded_by(unit, digests);
  if (!found.ok()) {
    const bool unavailable = found.status().code() == StatusCode::kUnavailable;
    if (!unavailable) spdlog::error("intake: files of {} not looked up: {}", unit, found.status().message());
    answer(unit, to, protocol::error(unavailable ? protocol::code::kUnavailable : protocol::code::kInternal,
                                     "the hub could not look up the files this message names: send it again later "
                                     "(nothing was stored)",
                                     true, reference, {}, request));
    return std::nullopt;
  }
  std::vector<AttachmentView> out;
  Problems missing;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const auto& r = refs[i];
    auto it = std::find_if(found->begin(), found->end(), [&](const auto& f) { return f.sha256 == r.sha256; });
    if (it == found->end()) {
      missing.push_back({"/attachments/" + std::to_string(i),
                         "\"" + r.name + "\" (" + r.sha256.substr(0, 12) + "…) was not uploaded by unit " + unit +
                             ": upload it first (POST /v1/attachments, or \"upload\" over ZeroMQ), then send this "
                             "again"});
      continue;
    }
    out.push_back({r.sha256, r.name, r.label, it->media_type, it->size});
  }
  if (missing.empty()) return out;
  if (request == "send") {
    refuse(unit, to, reference, protocol::code::kInvalidPayload,
           std::to_string(missing.size()) + " file(s) named that your unit has not uploaded", std::move(missing),
           case_type);
  } else {
    answer(unit, to, protocol::error(protocol::code::kInvalidReply,
                                     std::to_string(missing.size()) + " file(s) named that your unit has not uploaded",
                                     false, reference, missing, request));
  }
  return std::nullopt;
}

}  // namespace hub::bus
