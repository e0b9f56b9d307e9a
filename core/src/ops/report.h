// ops/report.h: `hubctl report`, the figures per unit, zone or sub-district.
//
// {"from": "2026-12-01", "to": "2026-12-31", "by": "unit" | "zone" | "subdistrict"}
//   → {"from", "to", "by", "now", "rows": [...], "total": {...}}
// Dates are local (Asia/Shanghai) and inclusive; deliveries dispatched in the
// period count (ops/figures.h says how). "Overdue now" is at the hub's clock.
#pragma once

#include "catalog/catalog.h"
#include "hub/case.h"
#include "store/pg.h"

namespace hub::ops {

Result<Json> report(store::PgConnection& db, const catalog::Catalog& catalog, const Json& args, TimePoint now);

}  // namespace hub::ops
