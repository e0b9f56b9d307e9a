// store/delivery_rows.h: inserting deliveries, and reading and writing their
// lifecycle columns. REQUIRES: inside the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hub/case.h"
#include "lifecycle/delivery_facts.h"
#include "store/event.h"
#include "store/lifecycle_context.h"
#include "store/pg.h"

namespace hub::store {

struct NewDelivery {
  CaseId case_id = 0;
  std::string receiver;
  bool notice = false;
  bool held = false;     // waits for the case's annex (state 'held')
  std::string type;      // the case type, for its limits
  Json detail;           // null, or {"returned": ...} / {"escalation": ...}
  bool leased = false;   // claimed as it is written (DirectLease); REQUIRES !held
};

// Deliveries written already claimed by this hub, to be sent over its own
// connection to the receiver as soon as they commit (attempt 1), without a
// claim round trip. Like a claim, the lease ends at `until` (the first
// backoff): unacked by then, the row is due again for any hub.
struct DirectLease {
  std::string hub_id;
  TimePoint until;
};

struct InsertedDelivery {
  std::int64_t id = 0;
  CaseId case_id = 0;
  std::string receiver;
  bool notice = false;
  bool leased = false;  // written with attempt 1 under the DirectLease
  std::optional<TimePoint> sign_by, resolve_by;
};

// Adds the delivery's deadlines (local time) to a "routed" event's detail:
// the figures (hubctl report) read them from there.
void add_deadlines(Json& detail, const InsertedDelivery& d);

// Inserts deliveries dispatched `now`. Non-notice ones get the deadlines of
// their case type and their first watch step; a deadline the calendar cannot
// give is left out and recorded as a "deadline_unknown" event in `events`.
// Rows marked `leased` are written claimed under `lease` (REQUIRES a hub id
// when any row is). The result is in no particular order.
Result<std::vector<InsertedDelivery>> insert_deliveries(PgConnection& db, const std::vector<NewDelivery>& rows,
                                                        TimePoint now, const LifecycleContext& ctx,
                                                        std::vector<Event>& events, const DirectLease& lease = {});

// Locks (FOR UPDATE, in id order, waiting for other writers) and reads the
// deliveries listed in `ids` and the non-notice deliveries of `case_ids`,
// each with its case's origin, type and compound.
Result<std::vector<lifecycle::DeliveryFacts>> lock_deliveries(PgConnection& db, const std::vector<std::int64_t>& ids,
                                                              const std::vector<std::int64_t>& case_ids);

// Writes back every lifecycle column of these deliveries (stage, times,
// extension request, counters, watch progress).
Status save_deliveries(PgConnection& db, const std::vector<const lifecycle::DeliveryFacts*>& deliveries);

}  // namespace hub::store
