// keys/credential_key.h: the master key that encrypts the units' request
// signing secrets at rest (the credentials table, store/unit_credentials.h).
//
// The key lives in a file outside the database (hub.credentials.key_file), so
// that a copy of the database alone reveals no secret. The file is text:
//
//   # comments
//   key = <64 lower-case hexadecimal digits: 32 random bytes>
//
// It is created by the hub's first start when missing (mode 0600, created new,
// never through a symbolic link), and refused when its group or others may
// read or write it, when it belongs to another user than the hub's (or root),
// or when its content is not exactly one such key line.
//
// Sealing uses XChaCha20-Poly1305 (libsodium) with a random nonce per secret;
// a sealed secret is bound to its `context` (the credential's key id and
// unit), so that a sealed secret copied onto another row does not open.
//
// Thread-safety: a CredentialKey is immutable once loaded; seal and open may
// be called from any thread at once.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "util/result.h"

namespace hub::keys {

class CredentialKey {
 public:
  static constexpr std::size_t kKeyBytes = 32;

  // Reads the key file at `path`; creates it first (with a fresh random key,
  // and its folder when missing) when nothing is there. `created` tells which.
  static Result<CredentialKey> load_or_create(const std::string& path, bool& created);
  // Reads the key file at `path`. Errors name the file and say what to do.
  static Result<CredentialKey> load(const std::string& path);

  CredentialKey(const CredentialKey&) = default;
  CredentialKey& operator=(const CredentialKey&) = default;
  ~CredentialKey();

  // `plaintext` encrypted and authenticated, bound to `context`: nonce then
  // ciphertext, as bytes.
  std::string seal(std::string_view plaintext, std::string_view context) const;
  // The plaintext of what seal() returned with the same key and context;
  // kPermissionDenied when it does not open (another key, another context,
  // altered bytes).
  Result<std::string> open(std::string_view sealed, std::string_view context) const;

  // A known text, sealed: kept once per database (store/unit_credentials.h,
  // credential_key_check) from its first secret on, it tells whether a key
  // file is the one the database's secrets were sealed with.
  std::string seal_check_value() const;
  bool opens_check_value(std::string_view sealed) const;

 private:
  explicit CredentialKey(const std::array<unsigned char, kKeyBytes>& key) : key_(key) {}
  std::array<unsigned char, kKeyBytes> key_{};
};

}  // namespace hub::keys
