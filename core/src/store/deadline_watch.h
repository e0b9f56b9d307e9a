// store/deadline_watch.h: firing due reminders and escalation steps.
//
// One call is one transaction: it claims deliveries whose next watch step is
// due (FOR UPDATE SKIP LOCKED, so several hubs share the work and no step is
// taken by two), fires every step due by `now` in order, and commits each
// delivery's progress together with the step's effects. A step is therefore
// fired exactly once: either its effects and the progress commit, or neither.
//
// Effects of a step (lifecycle/watch.h):
//   reminder (催办)  an update {"kind": "reminder"} to the receiver (skipped
//                   when the deadline has already passed: escalation follows)
//   escalation      level k: a notice delivery of the case to the k-th unit
//   (督办)          of the receiver's chain with {"escalation": ...} and the
//                   case's history; an update to the receiver (still
//                   responsible) and a state update to the originator
//                   ("overdue" at level 0, then "escalated")
// Every step is a routing event: reminded, escalated.
#pragma once

#include <vector>

#include "store/event.h"
#include "store/lifecycle_context.h"
#include "store/pg.h"

namespace hub::store {

struct WatchOutcome {
  int deliveries = 0;          // claimed
  int steps = 0;               // fired
  std::vector<Event> events;   // committed, for the routing log
};

// REQUIRES: ctx.enabled(). Starts and commits its own transaction.
Result<WatchOutcome> fire_due_steps(PgConnection& db, TimePoint now, const LifecycleContext& ctx, int limit);

}  // namespace hub::store
