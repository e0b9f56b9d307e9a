// store/unit_credentials.h: the credentials units present over HTTP (table
// unit_credentials): a secret the hub issued, which signs requests, or a TLS
// client certificate known by its fingerprint.
//
// Rows are never deleted. A credential is active while it is not revoked and
// its not_after (set by a rotation's grace period) is NULL or later than the
// hub's clock. Secrets are stored only sealed with the master key
// (keys/credential_key.h); this layer moves the sealed bytes as lower-case hex
// and never sees a secret in the clear. Certificates are unique among the
// credentials not revoked.
// Functions are stateless; each uses only the connection it is given.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hub/clock.h"
#include "store/pg.h"

namespace hub::store {

inline constexpr const char* kSecretKind = "hmac";
inline constexpr const char* kCertificateKind = "certificate";

// A credential as checking a request needs it.
struct CredentialForCheck {
  std::string key_id;
  std::string unit;
  std::string sealed_secret_hex;  // kSecretKind only
  bool active = false;            // not revoked, not past not_after at `now`
};

// The credentials with these key ids and kind, those that exist, in no order.
Result<std::vector<CredentialForCheck>> find_credentials(PgConnection& db, const std::vector<std::string>& key_ids,
                                                         const char* kind, TimePoint now);
// The certificate credential not revoked with this fingerprint; nullopt when there is none.
Result<std::optional<CredentialForCheck>> find_certificate(PgConnection& db, const std::string& fingerprint, TimePoint now);

// Stores a new secret credential (sealed), active from `now` without end.
Status insert_secret_credential(PgConnection& db, const std::string& key_id, const std::string& unit,
                                const std::string& sealed_secret_hex, const std::string& by, TimePoint now);
// Stores a certificate credential. kConflict when an active row already has
// this fingerprint (for any unit).
Status insert_certificate_credential(PgConnection& db, const std::string& key_id, const std::string& unit,
                                     const std::string& fingerprint, const std::string& by, TimePoint now);

// Ends `unit`'s other active secret credentials (all but `keep_key_id`) at
// `not_after`, or keeps an earlier end they already have. Returns how many.
Result<std::int64_t> end_other_secrets(PgConnection& db, const std::string& unit, const std::string& keep_key_id,
                                       TimePoint not_after, TimePoint now);

// Revokes the credential `key_id` now. The credential's unit when this call
// revoked it; nullopt when there is no such key id. `already` is set when it
// was revoked before (nothing changed).
Result<std::optional<std::string>> revoke_credential(PgConnection& db, const std::string& key_id, const std::string& by,
                                                     TimePoint now, bool& already);

// The sealed check value (keys/credential_key.h, table credential_key_check)
// as lower-case hex; nullopt while no secret was ever issued.
Result<std::optional<std::string>> stored_key_check(PgConnection& db);
// The stored check value, after storing `sealed_hex` when there was none.
// Hubs issuing their first secrets at once agree on one.
Result<std::string> keep_key_check(PgConnection& db, const std::string& sealed_hex);

}  // namespace hub::store
