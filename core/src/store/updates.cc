#include "store/updates.h"

#include "store/case_batch.h"
#include "util/time_format.h"

namespace hub::store {

Status insert_updates(PgConnection& db, const std::vector<NewUpdate>& updates, TimePoint now) {
  Json rows = Json::array();
  for (const auto& u : updates) {
    if (u.recipient.empty() || u.recipient.rfind(kPluginOriginPrefix, 0) == 0) continue;
    Json row{{"recipient", u.recipient}, {"case_id", u.case_id}, {"kind", u.body.value("kind", "")}, {"body", u.body}};
    if (u.delivery_id) row["delivery_id"] = u.delivery_id;
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return {};
  return db.exec_params(
               "INSERT INTO updates (recipient, case_id, delivery_id, kind, body, created_at, next_attempt_at) "
               "SELECT recipient, case_id, delivery_id, kind, body, $2::timestamptz, $2::timestamptz "
               "FROM jsonb_to_recordset($1::jsonb) AS x(recipient text, case_id bigint, delivery_id bigint, "
               "kind text, body jsonb)",
               {rows.dump(-1, ' ', false, Json::error_handler_t::replace), to_iso8601(now)})
      .status();
}

}  // namespace hub::store
