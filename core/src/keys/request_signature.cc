#include "keys/request_signature.h"

#include <sodium.h>

#include <array>
#include <cstdlib>

namespace hub::keys {
namespace {

constexpr std::size_t kKeyIdRandomBytes = 8;

bool is_lower_hex(std::string_view text) {
  return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

const unsigned char* bytes_of(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

std::string secret_context(std::string_view key_id, std::string_view unit) {
  return "xinhui-hub unit secret\n" + std::string(key_id) + "\n" + std::string(unit);
}

void wipe(std::string& s) {
  sodium_memzero(s.data(), s.size());
  s.clear();
}

std::string random_bytes(std::size_t n) {
  if (sodium_init() < 0) std::abort();  // no secure random source: nothing safe can be made
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::string new_key_id(std::string_view prefix) {
  return std::string(prefix) + to_hex(random_bytes(kKeyIdRandomBytes));
}

bool is_key_id(std::string_view id, std::string_view prefix) {
  return id.size() == prefix.size() + 2 * kKeyIdRandomBytes && id.starts_with(prefix) &&
         is_lower_hex(id.substr(prefix.size()));
}

std::string to_hex(std::string_view bytes) {
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes_of(bytes), bytes.size());
  hex.pop_back();  // the terminating NUL
  return hex;
}

std::optional<std::string> from_hex(std::string_view hex, std::size_t bytes) {
  if (hex.size() != 2 * bytes || !is_lower_hex(hex)) return std::nullopt;
  std::string out(bytes, '\0');
  std::size_t length = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), bytes, hex.data(), hex.size(), nullptr, &length,
                     nullptr) != 0 ||
      length != bytes)
    return std::nullopt;
  return out;
}

namespace {

std::array<unsigned char, crypto_auth_hmacsha256_BYTES> hmac(std::string_view key, std::string_view text) {
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, bytes_of(key), key.size());
  crypto_auth_hmacsha256_update(&state, bytes_of(text), text.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  sodium_memzero(&state, sizeof state);
  return mac;
}

}  // namespace

std::string sign_text(std::string_view key, std::string_view text) {
  const auto mac = hmac(key, text);
  return to_hex(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

bool signature_matches(std::string_view key, std::string_view text, std::string_view signature_hex) {
  const auto given = from_hex(signature_hex, crypto_auth_hmacsha256_BYTES);
  if (key.empty() || !given) return false;
  const auto expected = hmac(key, text);
  return sodium_memcmp(expected.data(), given->data(), expected.size()) == 0;
}

}  // namespace hub::keys
