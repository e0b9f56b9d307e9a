// ops/parked.h: parked work for operators: listed with filters, shown one
// item at a time, replayed all at once.
//
// The filter arguments are ops/parked_filter.h's. Rows are the listing's: the
// item's id under its kind's key ("delivery", "case", "update", "hook_task"),
// "case", "type", "origin", the unit concerned, "attempts", the reason
// ("parked_reason", a hook task's "last_error") and "parked_at" (local time).
#pragma once

#include "catalog/catalog.h"
#include "hub/case.h"
#include "store/pg.h"

namespace hub::ops {

// {filter, "limit": N (200, at most 5000)}
//   → {"deliveries": [...], "cases": [...], "updates": [...], "hooks": [...] (the kinds asked for),
//      "matching": {"deliveries": n, ...} (how many match in all), "limit": N}
// Oldest first (id order).
Result<Json> list_parked(store::PgConnection& db, const Json& args);

// {"show": "delivery" | "case" | "update" | "hook", "id": N}
//   → {"kind", "item": its row, "history": its own events, and show_case()'s
//      "case" (with its payload), "deliveries", "replies", "events"}
// NotFound when the item is not parked.
Result<Json> show_parked(store::PgConnection& db, const Json& args);

// {"all": true, filter, "everything": true (needed when no filter is given),
//  "dry_run": bool, "after": {"deliveries": id, ...}, "batch": N (200)}
//   → {"dry_run", "replayed", "not_replayed", "gone": {"deliveries": [rows], ...}, "more", "after"}
// Replays the matching items that are still parked, in id order, each in its
// own transaction with its operator event, as a single replay does
// (ops/operator_queries.h). At most `batch` items per request: while "more",
// ask again with the answer's "after". "not_replayed" rows carry "why" (a case
// that still has no route stays parked); "gone" ones were replayed by someone
// else meanwhile. Replayed cases carry their "route" and the units they went
// "to". A dry run changes nothing: "replayed" says what would be, and where
// each case would go.
Result<Json> replay_parked(store::PgConnection& db, const catalog::Catalog& catalog, const Json& args,
                           const std::string& op, TimePoint now);

}  // namespace hub::ops
