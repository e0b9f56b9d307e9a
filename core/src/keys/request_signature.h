// keys/request_signature.h: the secrets units sign HTTP requests with, and
// the check of a signature.
//
// A unit's secret is 32 random bytes, given to the unit once as 64 lower-case
// hexadecimal digits: its text. A request's signature is HMAC-SHA256 keyed
// with that text, its 64 ASCII bytes as given (not decoded: what every
// standard library takes as it is), over the canonical text the HTTP adapter
// built, written as 64 lower-case hexadecimal digits (docs/ADAPTERS.md,
// "Signing requests"). Key ids name a secret without revealing it: "xk_" and 16
// lower-case hexadecimal digits; certificates' ids start "xc_".
//
// Thread-safety: every function may be called from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hub::keys {

inline constexpr std::size_t kSecretBytes = 32;
inline constexpr const char* kSecretKeyIdPrefix = "xk_";
inline constexpr const char* kCertificateIdPrefix = "xc_";

// What a secret is sealed with, besides the master key (keys/credential_key.h):
// its key id and unit, so that a sealed secret moved to another row does not open.
std::string secret_context(std::string_view key_id, std::string_view unit);

// Overwrites `s` with zeros (not optimised away) and empties it: for secrets once used.
void wipe(std::string& s);

// `n` bytes from the system's secure random source.
std::string random_bytes(std::size_t n);
// `prefix` followed by 16 random lower-case hexadecimal digits.
std::string new_key_id(std::string_view prefix);
// True when `id` is `prefix` followed by 16 lower-case hexadecimal digits.
bool is_key_id(std::string_view id, std::string_view prefix);

// Lower-case hexadecimal of `bytes`.
std::string to_hex(std::string_view bytes);
// The bytes of `hex` when it is exactly 2 * `bytes` lower-case hexadecimal digits.
std::optional<std::string> from_hex(std::string_view hex, std::size_t bytes);

// The signature of `text` under `key` (a secret's text): lower-case hex of
// HMAC-SHA256. What a unit computes; the hub only checks.
std::string sign_text(std::string_view key, std::string_view text);
// Whether `signature_hex` is sign_text(key, text), compared in constant time.
// False when `key` is empty or the signature is not 64 lower-case hexadecimal digits.
bool signature_matches(std::string_view key, std::string_view text, std::string_view signature_hex);

}  // namespace hub::keys
