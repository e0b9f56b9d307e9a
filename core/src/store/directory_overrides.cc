#include "store/directory_overrides.h"

#include "util/time_format.h"

namespace hub::store {

Status insert_directory_changes(PgConnection& db, const std::vector<DirectoryChange>& changes, CaseId case_id,
                                TimePoint now) {
  if (changes.empty()) return {};
  Json rows = Json::array();
  for (const auto& c : changes)
    rows.push_back({{"compound", c.compound}, {"field", c.field}, {"value", c.unit},
                    {"effective_from", to_iso8601(c.effective_from)}});
  return db
      .exec_params("INSERT INTO directory_overrides (compound, field, value, effective_from, case_id, created_at) "
                   "SELECT compound, field, value, effective_from, $2, $3::timestamptz FROM jsonb_to_recordset($1::jsonb) "
                   "AS x(compound text, field text, value text, effective_from timestamptz)",
                   {rows.dump(), std::to_string(case_id), to_iso8601(now)})
      .status();
}

Result<std::vector<DirectoryChange>> effective_directory_changes(PgConnection& db, TimePoint now) {
  auto r = db.exec_params(
      "SELECT compound, field, value FROM directory_overrides WHERE effective_from <= $1::timestamptz "
      "ORDER BY effective_from, id",
      {to_iso8601(now)});
  if (!r.ok()) return r.status();
  std::vector<DirectoryChange> out;
  for (int i = 0; i < r->rows(); ++i) out.push_back({std::string(r->get(i, 0)), std::string(r->get(i, 1)), std::string(r->get(i, 2)), {}});
  return out;
}

Result<std::string> directory_fingerprint(PgConnection& db, TimePoint now) {
  auto r = db.exec_params(
      "SELECT count(*), coalesce(max(id), 0) FROM directory_overrides WHERE effective_from <= $1::timestamptz",
      {to_iso8601(now)});
  if (!r.ok()) return r.status();
  return std::string(r->get(0, 0)) + "/" + std::string(r->get(0, 1));
}

}  // namespace hub::store
