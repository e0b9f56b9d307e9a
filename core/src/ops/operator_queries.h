// ops/operator_queries.h: what operators can ask of the store.
//
// Each function takes the request's JSON arguments and returns the JSON
// answer, or a Status whose message says what was wrong. Writes (replays)
// record an "operator" event naming the operator, in the same transaction.
#pragma once

#include "bus/catalog.h"
#include "hub/case.h"
#include "store/pg.h"

namespace hub::ops {

// {"case": id} → the case, its deliveries, replies and full history.
Result<Json> show_case(store::PgConnection& db, const Json& args);
// {"after": event id, "unit", "type", "case", "limit"} → {"events": [...], "last": id}.
Result<Json> list_events(store::PgConnection& db, const Json& args);
// {} → {"deliveries": [...], "cases": [...], "hooks": [...], "updates": [...]} that are parked.
Result<Json> list_parked(store::PgConnection& db, const Json& args);
// {"delivery": id}, {"update": id}, {"hook_task": id} or {"case": id} →
// replays it. A parked case is routed again with the current config, around
// the units that returned it.
Result<Json> replay(store::PgConnection& db, const bus::Catalog& catalog, const Json& args, const std::string& op,
                    TimePoint now);

}  // namespace hub::ops
