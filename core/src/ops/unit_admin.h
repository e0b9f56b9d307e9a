// ops/unit_admin.h: disabling and enabling units, and what waits for them.
//
// Each function takes the request's JSON arguments and returns the JSON
// answer, or a Status whose message says what was wrong and what to do.
// Disabling or enabling commits, in one transaction, the unit's flag
// (store/unit_status.h), an "operator" event naming the operator (`who`, as
// the kernel named them, never a name from the request) and the announcement
// to every hub on the database; enabling also makes the unit's waiting work
// due at once. Doing it again changes nothing and answers "changed": false.
#pragma once

#include "catalog/catalog.h"
#include "hub/case.h"
#include "store/pg.h"

namespace hub::ops {

// {"unit": ID, "reason": TEXT (optional)} → {"unit", "changed", "action", ...the unit as show_unit}.
// Only a configured unit may be disabled.
Result<Json> disable_unit(store::PgConnection& db, const catalog::Catalog& catalog, const Json& args,
                          const std::string& who, TimePoint now);
// {"unit": ID} → the same. A unit no longer configured but still disabled may be enabled.
Result<Json> enable_unit(store::PgConnection& db, const catalog::Catalog& catalog, const Json& args,
                         const std::string& who, TimePoint now);
// {"unit": ID, "limit": N (20)} → {"unit", "name", "configured", "disabled", "changed_at", "changed_by",
// "reason", "waiting": {"deliveries", "replies", "updates"}, "oldest": [the N oldest waiting deliveries], "limit"}.
// Waiting: pending, not acknowledged (sent or not).
Result<Json> show_unit(store::PgConnection& db, const catalog::Catalog& catalog, const Json& args);
// {"disabled": true (only those)} → {"units": [{"unit", "name", "configured", "disabled", "changed_at",
// "changed_by", "reason", "waiting_deliveries"}]}, configured units in config order, then stored ones no longer configured.
Result<Json> list_units(store::PgConnection& db, const catalog::Catalog& catalog, const Json& args);

}  // namespace hub::ops
