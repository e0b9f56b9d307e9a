#include "bus/credential_check.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "keys/request_signature.h"
#include "protocol/messages.h"
#include "store/request_nonces.h"
#include "store/unit_credentials.h"
#include "util/printable.h"
#include "util/time_parse.h"

namespace hub::bus {
namespace {

constexpr std::int64_t kNoncesPerPass = 1000;
constexpr auto kNoncePassInterval = std::chrono::minutes(1);

Identity refused(const char* code, std::string message) { return Identity{"", code, std::move(message)}; }

Identity unavailable() {
  return refused(protocol::code::kUnavailable,
                 "the hub's database is unreachable now, so your credential could not be checked; nothing of the "
                 "request was read: send it again later");
}

std::int64_t seconds_since_epoch(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// How far apart timestamps may be told: beyond it the number is still absurd, and no subtraction overflows.
constexpr std::int64_t kFarOff = 1'000'000'000'000;

bool within_window(std::int64_t timestamp, TimePoint now, int skew) {
  const std::int64_t hub_seconds = seconds_since_epoch(now);
  return timestamp >= hub_seconds - skew && timestamp <= hub_seconds + skew;
}

// 16..64 characters of [A-Za-z0-9_-], as the HTTP adapter checks too: what the nonce table takes.
bool is_nonce(const std::string& nonce) {
  return nonce.size() >= 16 && nonce.size() <= 64 &&
         nonce.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == std::string::npos;
}

Identity stale(std::int64_t timestamp, TimePoint now, int skew) {
  const std::int64_t hub_seconds = seconds_since_epoch(now);
  const std::int64_t off = std::clamp(timestamp, hub_seconds - kFarOff, hub_seconds + kFarOff) - hub_seconds;
  return refused(protocol::code::kStaleRequest,
                 fmt::format("the request's timestamp {} is {} s {} the hub's clock (the hub's time is {}, {} seconds "
                             "since the epoch; at most {} s apart are accepted): check your system's clock and its "
                             "time synchronisation (NTP), and sign every request, resent ones too, with the current time",
                             timestamp, std::llabs(off), off < 0 ? "behind" : "ahead of", to_local_iso8601(now),
                             hub_seconds, skew));
}

Identity revoked_key(const std::string& key_id) {
  return refused(protocol::code::kKeyRevoked,
                 "the key id '" + printable(key_id.substr(0, 64)) +
                     "' is not an active credential of a unit of this hub (unknown, revoked, or past the end of a "
                     "rotation's grace period): sign with your unit's current key id and secret, or ask the hub's "
                     "operator to issue one");
}

}  // namespace

Identity CredentialCheck::check(const Credential& credential) {
  const TimePoint now = clock_.now();
  const int skew = catalog_.get()->deployment().hub.credentials.max_clock_skew_seconds;
  if (credential.kind == Credential::Kind::kSignedRequest && !within_window(credential.timestamp, now, skew))
    return stale(credential.timestamp, now, skew);
  auto db = pool_.acquire();
  if (!db.ok()) {
    spdlog::warn("credentials: a request's credential could not be checked: {}", db.status().message());
    return unavailable();
  }
  return credential.kind == Credential::Kind::kSignedRequest ? check_signed_request(credential, *db, now, skew)
                                                             : check_certificate(credential, *db, now);
}

Identity CredentialCheck::check_signed_request(const Credential& credential, store::PgPool::Lease& db, TimePoint now,
                                               int skew) {
  if (!keys::is_key_id(credential.id, keys::kSecretKeyIdPrefix)) return revoked_key(credential.id);
  auto found = store::find_credential(*db, credential.id, store::kSecretKind, now);
  if (!found.ok()) {
    spdlog::warn("credentials: key {} not checked: {}", credential.id, db.check(found.status()).message());
    return unavailable();
  }
  if (!*found || !(*found)->active || !unit_configured((*found)->unit)) return revoked_key(credential.id);
  const auto& stored = **found;
  const auto sealed = keys::from_hex(stored.sealed_secret_hex, stored.sealed_secret_hex.size() / 2);
  auto secret = sealed ? key_.open(*sealed, keys::secret_context(stored.key_id, stored.unit))
                       : Result<std::string>(Status::Internal("the stored secret is not hexadecimal"));
  if (!secret.ok()) {
    spdlog::error("credentials: key {} of unit {}: {}", stored.key_id, stored.unit, secret.status().message());
    return refused(protocol::code::kInternal,
                   "the hub could not read your key's secret: tell the hub's operator, quoting your key id");
  }
  std::string secret_text = keys::to_hex(*secret);  // the HMAC's key, as the unit was given it
  keys::wipe(*secret);
  const bool matches = is_nonce(credential.nonce) &&
                       keys::signature_matches(secret_text, credential.signed_text, credential.signature);
  keys::wipe(secret_text);
  if (!matches)
    return refused(protocol::code::kBadSignature,
                   "the signature is not HMAC-SHA256 of the request's canonical text under the secret of key id '" +
                       stored.key_id +
                       "', written as 64 lower-case hexadecimal digits, with a nonce of 16 to 64 characters of "
                       "A-Z, a-z, 0-9, '_' and '-': see docs/ADAPTERS.md, \"Signing requests\" (check the secret, "
                       "the canonical text and its order of lines)");
  auto fresh = store::record_nonce(*db, stored.key_id, credential.nonce, now);
  if (!fresh.ok()) {
    spdlog::warn("credentials: nonce of key {} not recorded: {}", stored.key_id, db.check(fresh.status()).message());
    return unavailable();
  }
  if (!*fresh)
    return refused(protocol::code::kReplayedNonce,
                   "this nonce was already used with key id '" + stored.key_id +
                       "': sign every request, resent ones too, with a new random nonce");
  delete_old_nonces(db, now, skew);
  return Identity{stored.unit, "", ""};
}

Identity CredentialCheck::check_certificate(const Credential& credential, store::PgPool::Lease& db, TimePoint now) {
  auto found = store::find_certificate(*db, credential.id, now);
  if (!found.ok()) {
    spdlog::warn("credentials: certificate {} not checked: {}", printable(credential.id),
                 db.check(found.status()).message());
    return unavailable();
  }
  if (!*found || !(*found)->active || !unit_configured((*found)->unit))
    return refused(protocol::code::kKeyRevoked,
                   "this client certificate (SHA-256 " + printable(credential.id) +
                       ") belongs to no unit of this hub (never registered, or revoked): ask the hub's operator to "
                       "register your unit's certificate");
  return Identity{(*found)->unit, "", ""};
}

bool CredentialCheck::unit_configured(const std::string& unit) const { return catalog_.get()->unit(unit) != nullptr; }

// One bounded pass, by whichever check first finds one due. A full pass makes
// the next one due at once: the deletes keep up with any insert rate.
void CredentialCheck::delete_old_nonces(store::PgPool::Lease& db, TimePoint now, int skew) {
  const auto steady_now = std::chrono::steady_clock::now().time_since_epoch().count();
  auto due = next_nonce_pass_.load();
  if (steady_now < due) return;
  const auto next = (std::chrono::steady_clock::now() + kNoncePassInterval).time_since_epoch().count();
  if (!next_nonce_pass_.compare_exchange_strong(due, next)) return;  // another thread runs this pass
  auto deleted = store::delete_nonces_before(*db, now - 2 * std::chrono::seconds(skew), kNoncesPerPass);
  if (!deleted.ok()) {
    spdlog::warn("credentials: old nonces not deleted (tried again in a minute): {}",
                 db.check(deleted.status()).message());
    return;
  }
  if (*deleted == kNoncesPerPass) next_nonce_pass_ = steady_now;
}

}  // namespace hub::bus
