// store/dispatch_claims.h: claiming deliveries, forwarded replies and updates
// (state changes, reminders, extension requests) for sending.
//
// A claim takes due rows for units connected to this hub with
// FOR UPDATE SKIP LOCKED, counts the attempt, moves next_attempt_at out by the
// backoff, stamps the lease (this hub, until the next attempt) and returns what
// to send. Rows that already used every attempt are parked instead, with the
// reason. Several hubs may claim from one database at once: each row goes to
// exactly one of them per attempt.
//
// Units are matched with `= ANY(ARRAY(...))`, which the planner turns into
// an index condition on (receiver, next_attempt_at): rows waiting for an
// offline unit are never read, however many there are (a semi-join read them
// all: 36 ms per claim with 100k waiting, hub_chaos absent).
//
// A claim without an announcement first looks, in one statement outside a
// transaction, whether anything is due for the units at all (most wake-ups
// find nothing: ticks, other hubs' new work for their own units).
//
// A claim may carry the announcement of new work to the other hubs
// (ClaimRequest::announce): it rides on a transaction the dispatcher commits
// anyway, without an fsync of its own.
//
// The claim commits with synchronous_commit off: losing it in a crash only
// means the row is sent once more, which at-least-once delivery allows.
#pragma once

#include <string>
#include <vector>

#include "config/model.h"
#include "protocol/answers.h"
#include "store/event.h"
#include "store/pg.h"

namespace hub::store {

struct Claimed {
  std::vector<std::pair<std::string, protocol::OutgoingDelivery>> deliveries;  // (receiver, message)
  std::vector<std::pair<std::string, protocol::OutgoingReply>> replies;        // (recipient, message)
  std::vector<std::pair<std::string, protocol::OutgoingUpdate>> updates;      // (recipient, message)
  std::vector<Event> events;                                                   // delivered, redelivered, parked, ...
};

struct ClaimRequest {
  std::vector<std::string> units;  // connected units; nothing is claimed for others
  TimePoint now;
  std::string hub_id;
  config::DeliveryPolicy policy;
  int limit = 1000;  // rows per table per claim
  // Also tell the other hubs on the database that new work was committed
  // (store/work_signal.h), in this claim's transaction: even with no unit online here.
  bool announce = false;
};

Result<Claimed> claim_due(PgConnection& db, const ClaimRequest& request);

// Makes every pending row for `unit` dispatched (or created) up to `since`
// due now (the unit said hello at `since`, or was heard again after a
// silence, or was enabled): due since it first was, so that it goes before
// newer work in the claims' order. Rows dispatched after `since` were sent to
// the unit's current connection and keep their backoff: pulled forward, they
// would be sent twice, the second copy possibly first.
Status make_due_now(PgConnection& db, const std::string& unit, TimePoint since);

}  // namespace hub::store
