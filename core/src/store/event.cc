#include "store/event.h"

#include "util/time_format.h"

namespace hub::store {

Status insert_events(PgConnection& db, const std::vector<Event>& events, TimePoint at) {
  if (events.empty()) return {};
  Json rows = Json::array();
  for (const auto& e : events) {
    Json row{{"kind", e.kind}, {"case_type", e.case_type}, {"from_unit", e.from}, {"to_unit", e.to}, {"detail", e.detail}};
    if (e.case_id) row["case_id"] = e.case_id;
    if (e.delivery_id) row["delivery_id"] = e.delivery_id;
    if (e.reply_id) row["reply_id"] = e.reply_id;
    rows.push_back(std::move(row));
  }
  auto r = db.exec_params(
      "INSERT INTO events (at, kind, case_id, delivery_id, reply_id, case_type, from_unit, to_unit, detail) "
      "SELECT $2::timestamptz, kind, case_id, delivery_id, reply_id, case_type, from_unit, to_unit, detail "
      "FROM jsonb_to_recordset($1::jsonb) AS x(kind text, case_id bigint, delivery_id bigint, reply_id bigint, "
      "case_type text, from_unit text, to_unit text, detail jsonb)",
      {rows.dump(-1, ' ', false, Json::error_handler_t::replace), to_iso8601(at)});
  return r.status();
}

}  // namespace hub::store
