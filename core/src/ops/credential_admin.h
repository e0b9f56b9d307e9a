// ops/credential_admin.h: the credentials of units that connect over HTTP
// (store/unit_credentials.h), as operators manage them with
// `hubctl credential`.
//
// One request op, "credential", whose "action" says what to do:
//   {"action": "issue", "unit": U}
//     → {"unit", "key_id", "secret", "action"}: a new secret (32 random bytes,
//       as 64 lower-case hex digits), stored only sealed with the master key.
//       The answer is the only place the secret ever appears in the clear.
//   {"action": "rotate", "unit": U, "grace_seconds": N (default 7 days)}
//     → issue's answer and {"grace_until", "ended"}: the unit's other active
//       secrets end at now + N (or earlier, when they already end earlier).
//   {"action": "revoke", "key_id": K}
//     → {"unit", "key_id", "changed", "action"}: refused from the next request on.
//   {"action": "list", "unit": U (optional)}
//     → {"credentials": [{"key_id", "unit", "kind", "fingerprint", "state",
//       "created_at", "not_after", "revoked_at", "issued_by", "revoked_by"}]}; never a secret.
//   {"action": "add_certificate", "unit": U, "fingerprint": F, "subject": S (informative)}
//     → {"unit", "key_id", "fingerprint", "action"}.
// Only configured units get credentials. Every change commits, in the same
// transaction, an "operator" event naming the operator (`who`, as the kernel
// named them) and the key id, never the secret; the answer's "action" is the
// line the operator socket logs.
#pragma once

#include <string>

#include "catalog/catalog.h"
#include "hub/case.h"
#include "keys/credential_key.h"
#include "store/pg.h"

namespace hub::ops {

inline constexpr std::int64_t kDefaultGraceSeconds = 7 * 24 * 3600;

Result<Json> credential_action(store::PgConnection& db, const catalog::Catalog& catalog,
                               const keys::CredentialKey& credential_key, const Json& args, const std::string& who,
                               TimePoint now);

}  // namespace hub::ops
