#include "store/unit_status.h"

#include "util/time_format.h"

namespace hub::store {

Result<std::vector<std::string>> load_disabled_units(PgConnection& db) {
  auto r = db.exec("SELECT unit FROM unit_status WHERE disabled");
  if (!r.ok()) return r.status();
  std::vector<std::string> units;
  units.reserve(static_cast<std::size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) units.emplace_back(r->get(i, 0));
  return units;
}

Result<std::optional<UnitStatus>> unit_status(PgConnection& db, const std::string& unit) {
  auto r = db.exec_params(
      "SELECT disabled, to_char(changed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'), changed_by, reason "
      "FROM unit_status WHERE unit = $1",
      {unit});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<UnitStatus>();
  return std::optional<UnitStatus>(UnitStatus{r->get(0, 0) == "t", std::string(r->get(0, 1)),
                                              std::string(r->get(0, 2)), std::string(r->get(0, 3))});
}

Result<bool> disable_unit(PgConnection& db, const std::string& unit, const std::string& by, const std::string& reason,
                          TimePoint now) {
  // ON CONFLICT settles two hubs disabling a never-disabled unit at once.
  auto r = db.exec_params(
      "INSERT INTO unit_status (unit, disabled, changed_at, changed_by, reason) VALUES ($1, true, $2::timestamptz, $3, $4) "
      "ON CONFLICT (unit) DO UPDATE SET disabled = true, changed_at = EXCLUDED.changed_at, "
      "changed_by = EXCLUDED.changed_by, reason = EXCLUDED.reason WHERE NOT unit_status.disabled RETURNING unit",
      {unit, to_iso8601(now), by, reason});
  if (!r.ok()) return r.status();
  return r->rows() == 1;
}

Result<bool> enable_unit(PgConnection& db, const std::string& unit, const std::string& by, TimePoint now) {
  auto r = db.exec_params(
      "UPDATE unit_status SET disabled = false, changed_at = $2::timestamptz, changed_by = $3, reason = '' "
      "WHERE unit = $1 AND disabled RETURNING unit",
      {unit, to_iso8601(now), by});
  if (!r.ok()) return r.status();
  return r->rows() == 1;
}

Status announce_unit_change(PgConnection& db, const std::string& unit) {
  return db.exec_params("SELECT pg_notify($1, $2)", {std::string(kUnitsChannel), unit}).status();
}

}  // namespace hub::store
