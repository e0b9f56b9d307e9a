#include "store/unit_credentials.h"

#include "hub/case.h"
#include "util/time_format.h"

namespace hub::store {
namespace {

constexpr const char* kActiveAt = "(revoked_at IS NULL AND (not_after IS NULL OR not_after > $2::timestamptz))";

Result<std::optional<CredentialForCheck>> one_credential(PgConnection& db, const std::string& where,
                                                         const PgParams& params) {
  auto r = db.exec_reused("SELECT key_id, unit, coalesce(encode(secret, 'hex'), ''), " + std::string(kActiveAt) +
                              " FROM unit_credentials WHERE " + where,
                          params);
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<CredentialForCheck>();
  return std::optional<CredentialForCheck>(CredentialForCheck{std::string(r->get(0, 0)), std::string(r->get(0, 1)),
                                                              std::string(r->get(0, 2)), r->get(0, 3) == "t"});
}

}  // namespace

Result<std::vector<CredentialForCheck>> find_credentials(PgConnection& db, const std::vector<std::string>& key_ids,
                                                         const char* kind, TimePoint now) {
  const Json ids = key_ids;  // a JSON array: the statement stays one prepared statement whatever the count
  auto r = db.exec_reused("SELECT key_id, unit, coalesce(encode(secret, 'hex'), ''), " + std::string(kActiveAt) +
                              " FROM unit_credentials WHERE key_id = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))"
                              " AND kind = $3",
                          {ids.dump(), to_iso8601(now), std::string(kind)});
  if (!r.ok()) return r.status();
  std::vector<CredentialForCheck> found;
  for (int row = 0; row < r->rows(); ++row)
    found.push_back(CredentialForCheck{std::string(r->get(row, 0)), std::string(r->get(row, 1)),
                                       std::string(r->get(row, 2)), r->get(row, 3) == "t"});
  return found;
}

Result<std::optional<CredentialForCheck>> find_certificate(PgConnection& db, const std::string& fingerprint, TimePoint now) {
  return one_credential(db, "fingerprint = $1 AND kind = 'certificate' AND revoked_at IS NULL",
                        {fingerprint, to_iso8601(now)});
}

Status insert_secret_credential(PgConnection& db, const std::string& key_id, const std::string& unit,
                                const std::string& sealed_secret_hex, const std::string& by, TimePoint now) {
  return db
      .exec_params("INSERT INTO unit_credentials (key_id, unit, kind, secret, created_at, issued_by) "
                   "VALUES ($1, $2, 'hmac', decode($3, 'hex'), $4::timestamptz, $5)",
                   {key_id, unit, sealed_secret_hex, to_iso8601(now), by})
      .status();
}

Status insert_certificate_credential(PgConnection& db, const std::string& key_id, const std::string& unit,
                                     const std::string& fingerprint, const std::string& by, TimePoint now) {
  return db
      .exec_params("INSERT INTO unit_credentials (key_id, unit, kind, fingerprint, created_at, issued_by) "
                   "VALUES ($1, $2, 'certificate', $3, $4::timestamptz, $5)",
                   {key_id, unit, fingerprint, to_iso8601(now), by})
      .status();
}

Result<std::int64_t> end_other_secrets(PgConnection& db, const std::string& unit, const std::string& keep_key_id,
                                       TimePoint not_after, TimePoint now) {
  auto r = db.exec_params(
      "UPDATE unit_credentials SET not_after = least(coalesce(not_after, $4::timestamptz), $4::timestamptz) "
      "WHERE unit = $1 AND kind = 'hmac' AND key_id <> $3 AND " + std::string(kActiveAt),
      {unit, to_iso8601(now), keep_key_id, to_iso8601(not_after)});
  if (!r.ok()) return r.status();
  return r->affected_rows();
}

Result<std::optional<std::string>> revoke_credential(PgConnection& db, const std::string& key_id, const std::string& by,
                                                     TimePoint now, bool& already) {
  auto r = db.exec_params(
      "UPDATE unit_credentials c SET revoked_at = coalesce(c.revoked_at, $2::timestamptz), "
      "revoked_by = coalesce(c.revoked_by, $3) "
      "FROM (SELECT key_id, revoked_at AS was FROM unit_credentials WHERE key_id = $1 FOR UPDATE) old "
      "WHERE c.key_id = old.key_id RETURNING c.unit, old.was IS NOT NULL",
      {key_id, to_iso8601(now), by});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<std::string>();
  already = r->get(0, 1) == "t";
  return std::optional<std::string>(std::string(r->get(0, 0)));
}

Result<std::optional<std::string>> stored_key_check(PgConnection& db) {
  auto r = db.exec("SELECT encode(sealed, 'hex') FROM credential_key_check");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(std::string(r->get(0, 0)));
}

Result<std::string> keep_key_check(PgConnection& db, const std::string& sealed_hex) {
  auto r = db.exec_params(
      "WITH added AS (INSERT INTO credential_key_check (id, sealed) VALUES (1, decode($1, 'hex')) "
      "ON CONFLICT (id) DO NOTHING RETURNING sealed) "
      "SELECT encode(sealed, 'hex') FROM added UNION ALL SELECT encode(sealed, 'hex') FROM credential_key_check",
      {sealed_hex});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::Internal("the credentials key check could not be stored");
  return std::string(r->get(0, 0));
}

}  // namespace hub::store
