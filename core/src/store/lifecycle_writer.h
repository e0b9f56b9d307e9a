// store/lifecycle_writer.h: the replies and lifecycle requests of one batch.
//
// Inside the batch's transaction: locks the deliveries concerned (in id
// order), checks each reply and request against the lifecycle rules
// (lifecycle/transitions.h) in arrival order — replies first, then requests —
// and writes what they changed: replies, delivery stages and deadlines,
// routing events, updates to the units concerned (the originator learns every
// state change; the receiver learns what others changed), the on_reply hook
// tasks, and for a returned delivery the re-routing of the case (another route
// that fits, else the first return decider config names, else the case is
// parked for the operators). A refused item changes nothing and is answered
// with its error code.
#pragma once

#include "store/case_batch.h"

namespace hub::store {

// Fills out.replies and out.transitions, appends to out.events and to
// `hook_rows` (rows for the hook_tasks insert).
Status write_lifecycle(PgConnection& db, const BatchInput& in, TimePoint now, BatchOutput& out, Json& hook_rows);

}  // namespace hub::store
