#include "store/request_nonces.h"

#include <algorithm>
#include <set>

#include "hub/case.h"
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

Result<std::vector<bool>> record_nonces(PgConnection& db, const std::vector<std::pair<std::string, std::string>>& nonces,
                                        TimePoint now) {
  std::vector<std::size_t> order(nonces.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return nonces[a] < nonces[b]; });
  Json keys = Json::array(), values = Json::array();
  for (const std::size_t i : order) {
    keys.push_back(nonces[i].first);
    values.push_back(nonces[i].second);
  }
  auto r = db.exec_reused(
      "INSERT INTO credential_nonces (key_id, nonce, seen_at) "
      "SELECT k, n, $3::timestamptz FROM unnest(ARRAY(SELECT jsonb_array_elements_text($1::jsonb)), "
      "ARRAY(SELECT jsonb_array_elements_text($2::jsonb))) WITH ORDINALITY AS t(k, n, i) ORDER BY i "
      "ON CONFLICT (key_id, nonce) DO NOTHING RETURNING key_id, nonce",
      {keys.dump(), values.dump(), to_iso8601(now)});
  if (!r.ok()) return r.status();
  std::set<std::pair<std::string, std::string>> fresh;
  for (int row = 0; row < r->rows(); ++row) fresh.emplace(std::string(r->get(row, 0)), std::string(r->get(row, 1)));
  std::vector<bool> out;
  out.reserve(nonces.size());
  for (const auto& pair : nonces) out.push_back(fresh.count(pair) > 0);
  return out;
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
