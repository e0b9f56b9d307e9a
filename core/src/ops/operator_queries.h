// ops/operator_queries.h: what operators can ask of the store.
//
// Each function takes the request's JSON arguments and returns the JSON
// answer, or a Status whose message says what was wrong. Writes (replays)
// record an "operator" event naming the operator, in the same transaction.
#pragma once

#include "catalog/catalog.h"
#include "hub/case.h"
#include "router/router.h"
#include "store/pg.h"

namespace hub::ops {

// {"case": id} → the case, its deliveries, replies and full history.
Result<Json> show_case(store::PgConnection& db, const Json& args);
// {"after": event id, "unit", "type", "case", "limit"} → {"events": [...], "last": id}.
Result<Json> list_events(store::PgConnection& db, const Json& args);
// Where a parked case would go now, around the units that returned it
// (parked_reason set in the decision when nowhere). `lock`: FOR UPDATE, inside
// the caller's transaction. NotFound when the case is not parked.
struct ParkedCaseRoute {
  CaseView c;
  router::Decision decision;
};
Result<ParkedCaseRoute> route_parked_case(store::PgConnection& db, const catalog::Catalog& catalog, CaseId id, bool lock);

// {"delivery": id}, {"update": id}, {"hook_task": id} or {"case": id} →
// replays it, in one transaction, if it is still parked (NotFound otherwise:
// another operator replayed it first). A parked case is routed again with the
// current config, around the units that returned it; Conflict, changing
// nothing, when it still has no route. (ops/parked.h replays many.)
Result<Json> replay(store::PgConnection& db, const catalog::Catalog& catalog, const Json& args, const std::string& op,
                    TimePoint now);

}  // namespace hub::ops
