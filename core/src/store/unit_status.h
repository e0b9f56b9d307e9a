// store/unit_status.h: units an operator disabled (table unit_status).
//
// A disabled unit is refused at the door of every hub on the database and
// nothing is sent to it (bus/disabled_units.h); its deliveries, replies and
// updates wait in their tables, unclaimed. The flag is a row per unit, updated
// (never deleted) when the unit is enabled again; the history of who did what
// is in the events (ops/unit_admin.h). A hub that changes a flag announces it
// with announce_unit_change() inside the same transaction; every hub listens
// (store/work_signal.h) and loads the set again.
// Functions are stateless; each uses only the connection it is given.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hub/clock.h"
#include "store/pg.h"

namespace hub::store {

inline constexpr const char* kUnitsChannel = "xinhui_units";

struct UnitStatus {
  bool disabled = false;
  std::string changed_at;  // local time, "2026-12-03 18:00:05"
  std::string changed_by;  // the operator, as the kernel named them
  std::string reason;      // the reason given when disabling; "" once enabled
};

// The units disabled now, in no particular order.
Result<std::vector<std::string>> load_disabled_units(PgConnection& db);

// The stored flag of `unit`; nullopt when it was never disabled.
Result<std::optional<UnitStatus>> unit_status(PgConnection& db, const std::string& unit);

// Disables `unit` unless it is disabled already: true when this call changed
// it. REQUIRES: inside the caller's transaction (its row stays locked to the
// end). Safe against concurrent calls from any hub: exactly one of them changes it.
Result<bool> disable_unit(PgConnection& db, const std::string& unit, const std::string& by, const std::string& reason,
                          TimePoint now);

// Enables `unit` if it is disabled: true when this call changed it.
// REQUIRES: inside the caller's transaction.
Result<bool> enable_unit(PgConnection& db, const std::string& unit, const std::string& by, TimePoint now);

// Tells every hub on the database (this one too) to load the set again, at
// the commit of the open transaction. `unit` is informative only.
Status announce_unit_change(PgConnection& db, const std::string& unit);

}  // namespace hub::store
