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
// database on every check, so no cache can miss a revocation made by any hub
// or hubctl. Old nonces are deleted by the checks themselves: at most one
// bounded pass a minute, again at once while passes find a full batch.
//
// Checked together: signed requests that arrive while others are being
// checked wait, and are then checked as one batch by one of the waiting
// threads (at most kBatchesAtOnce batches at a time, of at most kLargestBatch
// requests): one lookup of all their keys and one insert of all their
// nonces, on one pooled connection. A lone request is a batch of one, checked
// at once. Within a batch, a nonce repeated for the same key is a replay for
// every request but the first.
//
// Thread-safety: check() is called by adapters' threads, several at once.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

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

  static constexpr int kBatchesAtOnce = 1;  // the pool keeps connections for certificates
  static constexpr std::size_t kLargestBatch = 128;

 private:
  struct Waiting {  // a signed request waiting for its batch
    const Credential* credential;
    Identity result;
    bool done = false;  // GUARDED_BY(batch_mu_)
  };
  Identity check_together(const Credential& credential, TimePoint now, int skew);
  // Checks every request of `batch` and sets its result (not `done`).
  void check_batch(const std::vector<Waiting*>& batch, TimePoint now, int skew);
  Identity check_certificate(const Credential& credential, store::PgPool::Lease& db, TimePoint now);
  bool unit_configured(const std::string& unit) const;
  void delete_old_nonces(store::PgPool::Lease& db, TimePoint now, int skew);

  store::PgPool& pool_;
  const keys::CredentialKey& key_;
  const catalog::CatalogHolder& catalog_;
  const Clock& clock_;
  std::mutex batch_mu_;
  std::condition_variable batch_done_;
  std::vector<Waiting*> waiting_;  // GUARDED_BY(batch_mu_)
  int batches_running_ = 0;        // GUARDED_BY(batch_mu_)
  // When the next pass deleting old nonces may run (steady clock, in ticks).
  std::atomic<std::chrono::steady_clock::rep> next_nonce_pass_{0};
};

}  // namespace hub::bus
