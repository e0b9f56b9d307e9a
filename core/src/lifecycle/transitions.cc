#include "lifecycle/transitions.h"

#include "protocol/messages.h"
#include "util/time_parse.h"

namespace hub::lifecycle {
namespace {

namespace code = protocol::code;

std::string delivery_name(const DeliveryFacts& d) { return "delivery " + std::to_string(d.id); }
std::string stage_text(const DeliveryFacts& d) { return std::string(stage_name(d.stage)); }

Outcome refuse(const char* error_code, std::string message) {
  Outcome o;
  o.error_code = error_code;
  o.message = std::move(message);
  return o;
}

Outcome duplicate() {
  Outcome o;
  o.duplicate = true;
  return o;
}

bool on_time(const std::optional<TimePoint>& by, TimePoint at) { return !by || at <= *by; }

// The receiver acts on its delivery for the first time: it is signed now.
void sign_now(DeliveryFacts& d, TimePoint now, bool implicit, Outcome& o) {
  d.stage = Stage::kSigned;
  d.signed_at = now;
  nlohmann::json detail{{"on_time", on_time(d.sign_by, now)}};
  if (implicit) detail["implicit"] = true;
  o.changes.push_back({"signed", std::move(detail), false});
}

void clear_extension_request(DeliveryFacts& d) {
  d.extension_until.reset();
  d.extension_reason.clear();
  d.extension_approver.clear();
}

// Checks that do not depend on the action's own rules: the actor, notices,
// closed and returned deliveries. Returns a refusal, or nothing.
std::optional<Outcome> refuse_by_role_or_stage(const DeliveryFacts& d, const Request& r) {
  const bool by_originator = r.action == Action::kClose || r.action == Action::kReopen;
  const bool by_approver = r.action == Action::kGrantExtension || r.action == Action::kRefuseExtension;
  if (by_originator && r.actor != d.origin)
    return refuse(code::kNotOriginator, "case " + std::to_string(d.case_id) + " was sent by " + d.origin +
                                            "; only its originator may close or reopen it");
  if (by_approver) {
    if (!d.extension_until)
      return refuse(code::kIllegalTransition, "no extension request is waiting on " + delivery_name(d));
    if (r.actor != d.extension_approver)
      return refuse(code::kNotApprover, "the extension of " + delivery_name(d) + " is for " + d.extension_approver +
                                            " to decide, not your unit");
  }
  if (!by_originator && !by_approver && r.actor != d.receiver)
    return refuse(code::kNotReceiver, delivery_name(d) + " was not sent to your unit");
  if (d.stage == Stage::kNotice && r.action != Action::kProgress)
    return refuse(code::kIllegalTransition,
                  delivery_name(d) + " is a notice: it informs and is only acked; it cannot be signed, returned, "
                                     "extended, resolved, closed or reopened");
  if (d.stage == Stage::kClosed && r.action != Action::kClose)
    return refuse(code::kCaseClosed, delivery_name(d) + " was closed by its originator; nothing more can change it "
                                                        "(for a new matter, send a new case)");
  if (d.stage == Stage::kReturned && r.action != Action::kReturn)
    return refuse(code::kIllegalTransition, delivery_name(d) + " was returned by " + d.receiver + " (" +
                                                d.returned_reason + "); the case went on to another unit");
  return std::nullopt;
}

Outcome sign(DeliveryFacts& d, TimePoint now) {
  if (d.stage != Stage::kDispatched) return duplicate();
  Outcome o;
  sign_now(d, now, false, o);
  return o;
}

Outcome progress(DeliveryFacts& d, TimePoint now, std::int64_t reply) {
  Outcome o;
  if (d.stage == Stage::kDispatched) sign_now(d, now, true, o);
  if (d.stage == Stage::kSigned) {
    d.stage = Stage::kInProgress;
    o.changes.push_back({"in_progress", {{"reply", reply}}, false});
  }
  return o;  // in progress or resolved already: the reply itself is the news
}

Outcome resolve(DeliveryFacts& d, TimePoint now, const Request& r) {
  if (d.stage == Stage::kResolved)
    return refuse(code::kConflict, delivery_name(d) + " already has a final reply; later replies must not be final");
  Outcome o;
  if (d.stage == Stage::kDispatched) sign_now(d, now, true, o);
  d.stage = Stage::kResolved;
  d.resolved_at = now;
  nlohmann::json detail{{"outcome", r.outcome}, {"reply", r.reply_id}, {"on_time", on_time(d.resolve_by, now)}};
  if (d.extension_until) detail["extension_lapsed"] = true;
  clear_extension_request(d);
  o.changes.push_back({"resolved", std::move(detail), false});
  return o;
}

Outcome return_delivery(DeliveryFacts& d, const Request& r) {
  if (d.stage == Stage::kReturned) return duplicate();
  if (!is_open(d.stage))
    return refuse(code::kIllegalTransition, delivery_name(d) + " is " + stage_text(d) +
                                                ": only a delivery not yet resolved can be returned");
  if (r.reason.empty()) return refuse(code::kReasonRequired, "a return needs a reason (e.g. which unit it belongs to)");
  Outcome o;
  d.stage = Stage::kReturned;
  d.returned_reason = r.reason;
  clear_extension_request(d);
  o.changes.push_back({"returned", {{"reason", r.reason}}, false});
  return o;
}

// A unit that received a case after a return names the unit that is to
// handle it: its own delivery is resolved by that decision ("assigned").
Outcome assign(DeliveryFacts& d, TimePoint now, const Request& r) {
  if (!d.after_return)
    return refuse(code::kIllegalTransition, delivery_name(d) + " did not come to your unit after a return, so it "
                                                               "cannot be assigned on; return it if it is not your "
                                                               "unit's business");
  if (d.stage == Stage::kResolved)
    return refuse(code::kIllegalTransition, delivery_name(d) + " is resolved already");
  if (r.to == d.receiver)
    return refuse(code::kIllegalTransition, "assigning the case to your own unit: sign it and handle it instead");
  Outcome o;
  if (d.stage == Stage::kDispatched) sign_now(d, now, true, o);
  d.stage = Stage::kResolved;
  d.resolved_at = now;
  clear_extension_request(d);
  nlohmann::json detail{{"outcome", "assigned"}, {"to", r.to}, {"on_time", on_time(d.resolve_by, now)}};
  if (!r.reason.empty()) detail["reason"] = r.reason;
  o.changes.push_back({"resolved", std::move(detail), false});
  return o;
}

Outcome extend(DeliveryFacts& d, TimePoint now, const Request& r) {
  if (!is_open(d.stage))
    return refuse(code::kIllegalTransition, delivery_name(d) + " is " + stage_text(d) + ": there is nothing to extend");
  if (r.reason.empty()) return refuse(code::kReasonRequired, "an extension request needs a reason");
  if (!r.until) return refuse(code::kInvalidUntil, "an extension request needs 'until', the time asked for");
  if (!d.resolve_by)
    return refuse(code::kIllegalTransition, "case type " + d.type + " has no resolve deadline: there is nothing to extend");
  if (now >= *d.resolve_by)
    return refuse(code::kDeadlinePassed, "the resolve deadline of " + delivery_name(d) + " passed at " +
                                             to_local_iso8601(*d.resolve_by) +
                                             "; an extension must be asked before the deadline");
  if (*r.until <= *d.resolve_by)
    return refuse(code::kInvalidUntil, "'until' must be later than the current deadline, " + to_local_iso8601(*d.resolve_by));
  if (d.extension_until) {
    if (*d.extension_until == *r.until && d.extension_reason == r.reason) return duplicate();
    return refuse(code::kIllegalTransition, "an extension request of " + delivery_name(d) + " (until " +
                                                to_local_iso8601(*d.extension_until) + ") is already waiting for " +
                                                d.extension_approver + "'s decision");
  }
  if (r.approver.empty())
    return refuse(code::kNoApprover, "no unit grants extensions to " + d.receiver +
                                         " in this deployment: resolve by the deadline, or return the case");
  Outcome o;
  d.extension_until = r.until;
  d.extension_reason = r.reason;
  d.extension_approver = r.approver;
  o.changes.push_back({"extension_requested",
                       {{"until", to_local_iso8601(*r.until)}, {"reason", r.reason}, {"approver", r.approver}},
                       false});
  return o;
}

Outcome grant_extension(DeliveryFacts& d, const Request& r) {
  if (!is_open(d.stage))
    return refuse(code::kIllegalTransition, delivery_name(d) + " is " + stage_text(d) + ": the request has lapsed");
  const TimePoint until = r.until.value_or(*d.extension_until);
  if (d.resolve_by && until <= *d.resolve_by)
    return refuse(code::kInvalidUntil, "'until' must be later than the current deadline, " + to_local_iso8601(*d.resolve_by));
  Outcome o;
  d.resolve_by = until;
  ++d.extensions;
  d.watch.resolve_reminded = false;
  d.watch.resolve_escalations = 0;
  nlohmann::json detail{{"until", to_local_iso8601(until)}, {"asked", to_local_iso8601(*d.extension_until)}};
  if (!r.reason.empty()) detail["reason"] = r.reason;
  clear_extension_request(d);
  o.changes.push_back({"extension_granted", std::move(detail), true});
  return o;
}

Outcome refuse_extension(DeliveryFacts& d, const Request& r) {
  if (r.reason.empty()) return refuse(code::kReasonRequired, "refusing an extension needs a reason");
  Outcome o;
  nlohmann::json detail{{"reason", r.reason}, {"asked", to_local_iso8601(*d.extension_until)}};
  clear_extension_request(d);
  o.changes.push_back({"extension_refused", std::move(detail), true});
  return o;
}

Outcome close(DeliveryFacts& d) {
  if (d.stage == Stage::kClosed) return duplicate();
  if (d.stage != Stage::kResolved)
    return refuse(code::kIllegalTransition, delivery_name(d) + " is " + stage_text(d) +
                                                ": only a resolved delivery can be closed (after its final reply)");
  Outcome o;
  d.stage = Stage::kClosed;
  o.changes.push_back({"closed", nlohmann::json::object(), true});
  return o;
}

Outcome reopen(DeliveryFacts& d, TimePoint now, const Request& r) {
  if (d.stage != Stage::kResolved)
    return refuse(code::kIllegalTransition, delivery_name(d) + " is " + stage_text(d) +
                                                ": only a resolved delivery can be reopened");
  if (r.reason.empty()) return refuse(code::kReasonRequired, "reopening needs a reason (what is not resolved)");
  Outcome o;
  d.stage = Stage::kInProgress;
  d.resolved_at.reset();
  d.resolve_from = now;
  d.resolve_by = r.reopened_resolve_by;
  ++d.reopens;
  d.watch.resolve_reminded = false;
  d.watch.resolve_escalations = 0;
  nlohmann::json detail{{"reason", r.reason}};
  if (d.resolve_by) detail["resolve_by"] = to_local_iso8601(*d.resolve_by);
  o.changes.push_back({"reopened", std::move(detail), true});
  return o;
}

}  // namespace

Outcome apply(DeliveryFacts& d, const Request& r, TimePoint now) {
  if (auto refused = refuse_by_role_or_stage(d, r)) return *refused;
  switch (r.action) {
    case Action::kSign: return sign(d, now);
    case Action::kProgress: return d.stage == Stage::kNotice ? Outcome{} : progress(d, now, r.reply_id);
    case Action::kResolve: return resolve(d, now, r);
    case Action::kReturn: return return_delivery(d, r);
    case Action::kAssign: return assign(d, now, r);
    case Action::kExtend: return extend(d, now, r);
    case Action::kGrantExtension: return grant_extension(d, r);
    case Action::kRefuseExtension: return refuse_extension(d, r);
    case Action::kClose: return close(d);
    case Action::kReopen: return reopen(d, now, r);
  }
  return refuse(code::kInternal, "unknown lifecycle action");
}

}  // namespace hub::lifecycle
