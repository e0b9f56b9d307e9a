#include "bus/credential_check.h"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <map>
#include <optional>
#include <set>

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

Identity replayed(const std::string& key_id) {
  return refused(protocol::code::kReplayedNonce, "this nonce was already used with key id '" + key_id +
                                                     "': sign every request, resent ones too, with a new random nonce");
}

}  // namespace

Identity CredentialCheck::check(const Credential& credential) {
  const TimePoint now = clock_.now();
  const int skew = catalog_.get()->deployment().hub.credentials.max_clock_skew_seconds;
  if (credential.kind == Credential::Kind::kSignedRequest) {
    if (!within_window(credential.timestamp, now, skew)) return stale(credential.timestamp, now, skew);
    return check_together(credential, now, skew);
  }
  auto db = pool_.acquire();
  if (!db.ok()) {
    spdlog::warn("credentials: a request's credential could not be checked: {}", db.status().message());
    return unavailable();
  }
  return check_certificate(credential, *db, now);
}

Identity CredentialCheck::check_together(const Credential& credential, TimePoint now, int skew) {
  Waiting mine{&credential, {}, false};
  std::unique_lock lock(batch_mu_);
  waiting_.push_back(&mine);
  while (!mine.done) {
    if (batches_running_ >= kBatchesAtOnce || waiting_.empty()) {
      batch_done_.wait(lock);
      continue;
    }
    // This thread checks the oldest waiting requests (its own among them, or in a later turn).
    const std::size_t n = std::min(waiting_.size(), kLargestBatch);
    std::vector<Waiting*> batch(waiting_.begin(), waiting_.begin() + static_cast<std::ptrdiff_t>(n));
    waiting_.erase(waiting_.begin(), waiting_.begin() + static_cast<std::ptrdiff_t>(n));
    ++batches_running_;
    lock.unlock();
    try {
      check_batch(batch, now, skew);
    } catch (const std::exception& e) {  // never leave the batch's threads, or the next batches, waiting
      spdlog::error("credentials: checking {} request(s) failed: {}", batch.size(), e.what());
      for (Waiting* w : batch) w->result = unavailable();
    }
    lock.lock();
    --batches_running_;
    for (Waiting* w : batch) w->done = true;
    batch_done_.notify_all();
  }
  return std::move(mine.result);
}

void CredentialCheck::check_batch(const std::vector<Waiting*>& batch, TimePoint now, int skew) {
  const auto all = [&](const Identity& identity) {
    for (Waiting* w : batch) w->result = identity;
  };
  auto db = pool_.acquire();
  if (!db.ok()) {
    spdlog::warn("credentials: {} request(s)' credentials could not be checked: {}", batch.size(),
                 db.status().message());
    return all(unavailable());
  }
  std::vector<std::string> key_ids;
  for (const Waiting* w : batch)
    if (keys::is_key_id(w->credential->id, keys::kSecretKeyIdPrefix)) key_ids.push_back(w->credential->id);
  std::sort(key_ids.begin(), key_ids.end());
  key_ids.erase(std::unique(key_ids.begin(), key_ids.end()), key_ids.end());
  std::map<std::string, store::CredentialForCheck> stored;
  if (!key_ids.empty()) {
    auto found = store::find_credentials(**db, key_ids, store::kSecretKind, now);
    if (!found.ok()) {
      spdlog::warn("credentials: {} request(s) not checked: {}", batch.size(), db->check(found.status()).message());
      return all(unavailable());
    }
    for (auto& c : *found) stored.emplace(c.key_id, std::move(c));
  }

  // The secrets' texts (the HMAC keys), opened once per key of the batch; wiped at the end.
  std::map<std::string, std::optional<std::string>> secrets;
  struct Wiper {
    std::map<std::string, std::optional<std::string>>& secrets;
    ~Wiper() {
      for (auto& [key_id, text] : secrets)
        if (text) keys::wipe(*text);
    }
  } wiper{secrets};
  const auto secret_of = [&](const store::CredentialForCheck& c) -> const std::optional<std::string>& {
    auto it = secrets.find(c.key_id);
    if (it != secrets.end()) return it->second;
    const auto sealed = keys::from_hex(c.sealed_secret_hex, c.sealed_secret_hex.size() / 2);
    auto secret = sealed ? key_.open(*sealed, keys::secret_context(c.key_id, c.unit))
                         : Result<std::string>(Status::Internal("the stored secret is not hexadecimal"));
    if (!secret.ok()) {
      spdlog::error("credentials: key {} of unit {}: {}", c.key_id, c.unit, secret.status().message());
      return secrets.emplace(c.key_id, std::nullopt).first->second;
    }
    std::string text = keys::to_hex(*secret);
    keys::wipe(*secret);
    return secrets.emplace(c.key_id, std::move(text)).first->second;
  };

  // Signatures first; the nonces of those that verified are then recorded together.
  std::vector<Waiting*> verified;
  std::vector<std::pair<std::string, std::string>> nonces;
  std::set<std::pair<std::string, std::string>> in_batch;
  for (Waiting* w : batch) {
    const Credential& credential = *w->credential;
    const auto it = stored.find(credential.id);
    if (it == stored.end() || !it->second.active || !unit_configured(it->second.unit)) {
      w->result = revoked_key(credential.id);
      continue;
    }
    const store::CredentialForCheck& c = it->second;
    const auto& secret = secret_of(c);
    if (!secret) {
      w->result = refused(protocol::code::kInternal,
                          "the hub could not read your key's secret: tell the hub's operator, quoting your key id");
      continue;
    }
    if (!is_nonce(credential.nonce) || !keys::signature_matches(*secret, credential.signed_text, credential.signature)) {
      w->result = refused(
          protocol::code::kBadSignature,
          "the signature is not HMAC-SHA256 of the request's canonical text under the secret of key id '" + c.key_id +
              "', written as 64 lower-case hexadecimal digits, with a nonce of 16 to 64 characters of A-Z, a-z, 0-9, "
              "'_' and '-': see docs/ADAPTERS.md, \"Signing requests\" (check the secret, the canonical text and its "
              "order of lines)");
      continue;
    }
    if (!in_batch.emplace(c.key_id, credential.nonce).second) {
      w->result = replayed(c.key_id);
      continue;
    }
    verified.push_back(w);
    nonces.emplace_back(c.key_id, credential.nonce);
  }
  if (verified.empty()) return;
  auto fresh = store::record_nonces(**db, nonces, now);
  if (!fresh.ok()) {
    spdlog::warn("credentials: nonces of {} request(s) not recorded: {}", verified.size(),
                 db->check(fresh.status()).message());
    for (Waiting* w : verified) w->result = unavailable();
    return;
  }
  for (std::size_t i = 0; i < verified.size(); ++i)
    verified[i]->result = (*fresh)[i] ? Identity{stored.at(nonces[i].first).unit, "", ""} : replayed(nonces[i].first);
  delete_old_nonces(*db, now, skew);
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
