// store/event.h: one step of the routing log.
//
// Kinds: received, rejected, accepted, routed, parked, delivered, redelivered,
// acked, replied, reply_forwarded, reply_acked, hook_failed (a plugin's
// error), hook_retry (a plugin's "retry later"), hook_deferred (an attempt the
// hub failed, not counted), operator, directory_changed; and the case lifecycle's: signed, in_progress, resolved,
// returned, rerouted, extension_requested, extension_granted,
// extension_refused, closed, reopened, reminded, escalated, deadline_unknown.
// A delivery sent in the commit that routes it (written claimed) has no
// "delivered" event: its "routed" detail holds {"attempt": 1}.
// An event is inserted in the transaction of the change it records; its
// human-readable line (log/routing_log.h) is written after the commit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hub/case.h"
#include "store/pg.h"

namespace hub::store {

struct Event {
  std::string kind;
  std::int64_t case_id = 0;      // 0: none
  std::int64_t delivery_id = 0;  // 0: none
  std::int64_t reply_id = 0;     // 0: none
  std::string case_type;
  std::string from;
  std::string to;
  Json detail = Json::object();  // e.g. {"route": ..}, {"problems": [..]}, {"reason": ..}
};

// Inserts all events with one COPY. REQUIRES: inside the caller's transaction;
// strings are valid UTF-8 (they come from parsed JSON or the config).
Status insert_events(PgConnection& db, const std::vector<Event>& events, TimePoint at);

}  // namespace hub::store
