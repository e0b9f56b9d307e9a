// lifecycle/transitions.h: the rules of the case lifecycle, as a pure function.
//
// apply() checks one request against one delivery and, if it is allowed,
// changes the facts and says what happened (events to record, who to tell).
// A refused request leaves the facts exactly as they were. The store calls it
// inside the transaction that holds the delivery's row lock, then writes the
// facts back with the events; nothing here touches the database or the clock.
//
// Who may do what:
//   receiver    sign, progress (non-final reply), resolve (final reply), return, extend;
//               assign, for a delivery that reached it after another unit returned the case
//   approver    grant / refuse a pending extension (the unit config names for the receiver)
//   originator  close a resolved delivery, or reopen it (back to in progress)
// A reply or sign to a dispatched delivery signs it implicitly ("signed",
// detail {"implicit": true}); repeating a sign, close or return that already
// took effect changes nothing and is not an error (`duplicate`).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lifecycle/delivery_facts.h"

namespace hub::lifecycle {

enum class Action {
  kSign, kProgress, kResolve, kReturn, kAssign, kExtend, kGrantExtension, kRefuseExtension, kClose, kReopen
};

struct Request {
  Request(Action a, std::string who) : action(a), actor(std::move(who)) {}
  Action action = Action::kSign;
  std::string actor;                // the unit asking, from its key
  std::string reason;               // required for return, extend, refuse, reopen
  std::optional<TimePoint> until;   // extend: the time asked for; grant: a shorter time, optional
  std::string outcome;              // resolve: the final reply's outcome
  std::int64_t reply_id = 0;        // progress / resolve: the reply that made the change
  std::string approver;             // extend: who decides, from config; "" nobody may
  std::string to;                   // assign: the unit that is to handle the case (known to exist)
  std::optional<TimePoint> reopened_resolve_by;  // reopen: the new resolve deadline (the type's limit from now)
};

// One state change: the routing-log event and what the units are told.
struct Change {
  std::string event;  // signed, in_progress, resolved (also by assigning), returned, extension_requested,
                      // extension_granted, extension_refused, closed, reopened
  nlohmann::json detail = nlohmann::json::object();
  bool tell_receiver = false;  // someone else changed the receiver's delivery
};

struct Outcome {
  std::string error_code;  // a protocol error code; empty: allowed
  std::string message;     // for the unit: what is wrong and what to do
  bool duplicate = false;  // allowed, but it had already taken effect: nothing changed
  std::vector<Change> changes;
  bool ok() const { return error_code.empty(); }
};

Outcome apply(DeliveryFacts& d, const Request& r, TimePoint now);

}  // namespace hub::lifecycle
