#include "ops/credential_admin.h"

#include <fmt/format.h>

#include "config/diagnostics.h"
#include "keys/certificate_fingerprint.h"
#include "keys/request_signature.h"
#include "ops/query_rows.h"
#include "store/event.h"
#include "store/unit_credentials.h"
#include "util/ids.h"
#include "util/printable.h"
#include "util/time_format.h"
#include "util/time_parse.h"

namespace hub::ops {
namespace {

constexpr std::int64_t kMaxGraceSeconds = 365LL * 24 * 3600;

// The configured unit a request names.
Result<std::string> configured_unit(const catalog::Catalog& catalog, const Json& args) {
  const auto unit = text_arg(args, "unit");
  if (!unit) return Status::InvalidArgument("name the unit: {\"unit\": \"registry\"}");
  if (!is_id(*unit)) return Status::InvalidArgument("'" + printable(*unit) + "' is not a unit id (" + kIdRule + ")");
  if (catalog.unit(*unit) != nullptr) return *unit;
  std::vector<std::string> known;
  for (const auto& u : catalog.deployment().units) known.push_back(u.id);
  return Status::NotFound("no unit '" + *unit + "' in this hub's configuration" + config::did_you_mean(*unit, known) +
                          ": add the unit to units.yaml and reload (SIGHUP) first; 'hubctl unit list' lists every unit");
}

// Commits `write` with its operator event.
Status commit_with_event(store::PgConnection& db, const std::string& unit, const Json& detail, TimePoint now,
                         const std::function<Status()>& write) {
  auto tx = store::Transaction::begin(db);
  if (!tx.ok()) return tx.status();
  if (Status s = write(); !s.ok()) return s;
  const std::vector<store::Event> events = {{"operator", 0, 0, 0, "", "", unit, detail}};
  if (Status s = store::insert_events(db, events, now); !s.ok()) return s;
  return tx->commit();
}

Json event_detail(const std::string& who, const std::string& action, const std::string& unit, const std::string& key_id) {
  return {{"operator", who}, {"action", action}, {"unit", unit}, {"key_id", key_id}};
}

// Whether `key` is the database's: the key every secret stored so far was
// sealed with (the first secret stores the check value; a hub started with
// another file before then must not seal with it).
Status check_key_file(store::PgConnection& db, const keys::CredentialKey& key) {
  auto stored = store::keep_key_check(db, keys::to_hex(key.seal_check_value()));
  if (!stored.ok()) return stored.status();
  const auto sealed = keys::from_hex(*stored, stored->size() / 2);
  if (sealed && key.opens_check_value(*sealed)) return {};
  return Status::PermissionDenied(
      "this hub's credentials key file (hub.credentials.key_file) is not the one the database's secrets were sealed "
      "with: nothing was issued; give this hub a copy of the other hubs' file and restart it, or issue through "
      "another hub");
}

// A new secret for `unit`; with `grace`, the unit's other active secrets end at now + grace.
Result<Json> issue(store::PgConnection& db, const keys::CredentialKey& key, const std::string& unit,
                   const std::string& who, TimePoint now, std::optional<std::chrono::seconds> grace) {
  const std::string key_id = keys::new_key_id(keys::kSecretKeyIdPrefix);
  std::string secret = keys::random_bytes(keys::kSecretBytes);
  const std::string sealed = keys::to_hex(key.seal(secret, keys::secret_context(key_id, unit)));
  const TimePoint grace_until = now + grace.value_or(std::chrono::seconds(0));
  const std::string action =
      grace ? fmt::format("rotate credential of unit {}: new key {}, older keys end {}", unit, key_id,
                          to_local_iso8601(grace_until))
            : fmt::format("issue credential {} for unit {}", key_id, unit);
  std::int64_t ended = 0;
  Status done = commit_with_event(db, unit, event_detail(who, action, unit, key_id), now, [&]() -> Status {
    if (Status s = check_key_file(db, key); !s.ok()) return s;
    if (Status s = store::insert_secret_credential(db, key_id, unit, sealed, who, now); !s.ok()) return s;
    if (!grace) return {};
    auto n = store::end_other_secrets(db, unit, key_id, grace_until, now);
    if (!n.ok()) return n.status();
    ended = *n;
    return {};
  });
  if (!done.ok()) {
    keys::wipe(secret);
    return done;
  }
  Json out{{"unit", unit}, {"key_id", key_id}, {"secret", keys::to_hex(secret)}, {"action", action}};
  keys::wipe(secret);
  if (grace) {
    out["grace_until"] = to_local_iso8601(grace_until);
    out["ended"] = ended;
  }
  return out;
}

Result<Json> revoke(store::PgConnection& db, const Json& args, const std::string& who, TimePoint now) {
  const auto key_id = text_arg(args, "key_id");
  if (!key_id || !(keys::is_key_id(*key_id, keys::kSecretKeyIdPrefix) ||
                   keys::is_key_id(*key_id, keys::kCertificateIdPrefix)))
    return Status::InvalidArgument("name the key id: 'xk_' or 'xc_' and 16 hexadecimal digits, as 'hubctl credential "
                                   "list' shows it");
  bool already = false;
  const std::string action = "revoke credential " + *key_id;
  auto tx = store::Transaction::begin(db);
  if (!tx.ok()) return tx.status();
  auto revoked = store::revoke_credential(db, *key_id, who, now, already);
  if (!revoked.ok()) return revoked.status();
  if (!*revoked)
    return Status::NotFound("no credential '" + *key_id + "': 'hubctl credential list' lists them");
  if (!already) {
    const std::vector<store::Event> events = {
        {"operator", 0, 0, 0, "", "", **revoked, event_detail(who, action + " of unit " + **revoked, **revoked, *key_id)}};
    if (Status s = store::insert_events(db, events, now); !s.ok()) return s;
  }
  if (Status s = tx->commit(); !s.ok()) return s;
  Json out{{"unit", **revoked}, {"key_id", *key_id}, {"changed", !already}};
  if (!already) out["action"] = action + " of unit " + **revoked;
  return out;
}

Result<Json> add_certificate(store::PgConnection& db, const std::string& unit, const Json& args, const std::string& who,
                             TimePoint now) {
  const auto fingerprint = text_arg(args, "fingerprint");
  if (!fingerprint || !keys::is_fingerprint(*fingerprint))
    return Status::InvalidArgument("give the certificate's SHA-256 fingerprint as 64 lower-case hexadecimal digits");
  const std::string key_id = keys::new_key_id(keys::kCertificateIdPrefix);
  const std::string action = fmt::format("add certificate {} (SHA-256 {}) for unit {}", key_id, *fingerprint, unit);
  Json detail = event_detail(who, action, unit, key_id);
  detail["fingerprint"] = *fingerprint;
  detail["subject"] = text_arg(args, "subject").value_or("");
  Status done = commit_with_event(db, unit, detail, now, [&] {
    return store::insert_certificate_credential(db, key_id, unit, *fingerprint, who, now);
  });
  if (done.code() == StatusCode::kConflict)
    return Status::Conflict("this certificate is registered already ('hubctl credential list' shows for which unit); "
                            "revoke that entry first to give it to another unit");
  if (!done.ok()) return done;
  return Json{{"unit", unit}, {"key_id", key_id}, {"fingerprint", *fingerprint}, {"action", action}};
}

Result<Json> list(store::PgConnection& db, const Json& args, TimePoint now) {
  const std::string unit = text_arg(args, "unit").value_or("");
  auto found = rows(db,
                    "SELECT key_id, unit, kind, coalesce(fingerprint, '') AS fingerprint, "
                    "CASE WHEN revoked_at IS NOT NULL THEN 'revoked' "
                    "WHEN not_after IS NOT NULL AND not_after <= $2::timestamptz THEN 'expired' "
                    "WHEN not_after IS NOT NULL THEN 'ending' ELSE 'active' END AS state, " +
                        local_seconds("created_at") + " AS created_at, coalesce(" + local_seconds("not_after") +
                        ", '') AS not_after, coalesce(" + local_seconds("revoked_at") +
                        ", '') AS revoked_at, issued_by, coalesce(revoked_by, '') AS revoked_by "
                        "FROM unit_credentials WHERE $1 = '' OR unit = $1 ORDER BY unit, created_at, key_id",
                    {unit, to_iso8601(now)});
  if (!found.ok()) return found.status();
  return Json{{"credentials", std::move(found.value())}, {"unit", unit}};
}

}  // namespace

Result<Json> credential_action(store::PgConnection& db, const catalog::Catalog& catalog,
                               const keys::CredentialKey& credential_key, const Json& args, const std::string& who,
                               TimePoint now) {
  const std::string action = text_arg(args, "action").value_or("");
  if (action == "revoke") return revoke(db, args, who, now);
  if (action == "list") return list(db, args, now);
  if (action != "issue" && action != "rotate" && action != "add_certificate")
    return Status::InvalidArgument("unknown credential action '" + printable(action) +
                                   "' (expected issue, rotate, revoke, list or add_certificate)");
  auto unit = configured_unit(catalog, args);
  if (!unit.ok()) return unit.status();
  if (action == "add_certificate") return add_certificate(db, *unit, args, who, now);
  if (action == "issue") return issue(db, credential_key, *unit, who, now, std::nullopt);
  const std::int64_t grace = id_arg(args, "grace_seconds").value_or(kDefaultGraceSeconds);
  if (grace < 0 || grace > kMaxGraceSeconds)
    return Status::InvalidArgument("the grace period must lie between 0 and 365 days");
  return issue(db, credential_key, *unit, who, now, std::chrono::seconds(grace));
}

}  // namespace hub::ops
