#include "store/event.h"

#include "store/sql_values.h"
#include "util/time_format.h"

namespace hub::store {

Status insert_events(PgConnection& db, const std::vector<Event>& events, TimePoint at) {
  if (events.empty()) return {};
  const std::string when = to_iso8601(at);
  CopyRows rows;
  auto id_or_null = [&rows](std::int64_t id) -> CopyRows& { return id ? rows.number(id) : rows.null(); };
  for (const auto& e : events) {
    rows.text(when).text(e.kind);
    id_or_null(e.case_id);
    id_or_null(e.delivery_id);
    id_or_null(e.reply_id);
    rows.text(e.case_type).text(e.from).text(e.to);
    rows.text(e.detail.is_null() ? std::string("{}") : json_param(e.detail));
    rows.end_row();
  }
  return db.copy_in(
      "COPY events (at, kind, case_id, delivery_id, reply_id, case_type, from_unit, to_unit, detail) FROM STDIN",
      rows.data());
}

}  // namespace hub::store
