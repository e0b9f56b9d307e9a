#include "store/request_nonces.h"

#include "util/time_format.h"

namespace hub::store {

Result<bool> record_nonce(PgConnection& db, const std::string& key_id, const std::string& nonce, TimePoint now) {
  auto r = db.exec_reused(
      "INSERT INTO credential_nonces (key_id, nonce, seen_at) VALUES ($1, $2, $3::timestamptz) "
      "ON CONFLICT (key_id, nonce) DO NOTHING",
      {key_id, nonce, to_iso8601(now)});
  if (!r.ok()) return r.status();
  return r->affected_rows() == 1;
}

Result<std::int64_t> delete_nonces_before(PgConnection& db, TimePoint before, std::int64_t max_rows) {
  auto r = db.exec_params(
      "DELETE FROM credential_nonces WHERE ctid = ANY(ARRAY(SELECT ctid FROM credential_nonces "
      "WHERE seen_at < $1::timestamptz LIMIT $2::bigint))",
      {to_iso8601(before), std::to_string(max_rows)});
  if (!r.ok()) return r.status();
  return r->affected_rows();
}

}  // namespace hub::store
