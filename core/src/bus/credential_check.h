// bus/credential_check.h: which unit a signed HTTP request or a client
// certificate belongs to (Hub::authenticate for the kinds other than CURVE).
//
// A signed request (Credential::kSignedRequest) is checked in this order, and
// refused with the first code that applies (protocol/messages.h):
//   1. its timestamp is more than hub.credentials.max_clock_skew_seconds from
//      the hub's clock: stale_request (no database work for it);
//   2. its key id is unknown, revoked, past its not_after, or its unit is no
//      longer configured: key_revoked;
//   3. its signature is not HMAC-SHA256 of signed_text under the key's secret
//      (64 lower-case hex digits, compared in constant time), or its nonce is
//      not 16..64 characters of [A-Za-z0-9_-]: bad_signature;
//   4. its nonce was already recorded for this key: replayed_nonce. The nonce
//      is recorded only here, after the signature verified, so nobody can
//      burn a unit's nonces without its secret.
// A client certificate (kClientCertificate) is its fingerprint's unit, through
// the same table; an unknown or revoked one is key_revoked.
// The database unreachable, or no connection free in time: unavailable
// (nothing was read; retry later).
//
// Revocation takes effect at the next request: the credential is read from the
// database on every check (one primary-key lookup on a pooled connection), so
// no cache can miss a revocation made by any hub or hubctl. Old nonces are
// deleted by the checks themselves: at most one bounded pass a minute, again
// at once while passes find a full batch.
//
// Thread-safety: check() is called by adapters' threads, several at once; each
// call leases its own connection from the pool.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include "catalog/catalog_holder.h"
#include "hub/adapter.h"
#include "hub/clock.h"
#include "keys/credential_key.h"
#include "store/pg_pool.h"

namespace hub::bus {

class CredentialCheck {
 public:
  // All must outlive the check.
  CredentialCheck(store::PgPool& pool, const keys::CredentialKey& key, const catalog::CatalogHolder& catalog,
                  const Clock& clock)
      : pool_(pool), key_(key), catalog_(catalog), clock_(clock) {}

  // REQUIRES: credential.kind is kSignedRequest or kClientCertificate.
  Identity check(const Credential& credential);

 private:
  Identity check_signed_request(const Credential& credential, store::PgPool::Lease& db, TimePoint now, int skew);
  Identity check_certificate(const Credential& credential, store::PgPool::Lease& db, TimePoint now);
  bool unit_configured(const std::string& unit) const;
  void delete_old_nonces(store::PgPool::Lease& db, TimePoint now, int skew);

  store::PgPool& pool_;
  const keys::CredentialKey& key_;
  const catalog::CatalogHolder& catalog_;
  const Clock& clock_;
  // When the next pass deleting old nonces may run (steady clock, in ticks).
  std::atomic<std::chrono::steady_clock::rep> next_nonce_pass_{0};
};

}  // namespace hub::bus
