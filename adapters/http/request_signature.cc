#include "request_signature.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "http/request.h"

namespace hub::http_adapter {
namespace {

bool is_token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool is_token(std::string_view s, std::size_t min, std::size_t max) {
  return s.size() >= min && s.size() <= max && std::all_of(s.begin(), s.end(), is_token_char);
}

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

void append_encoded(std::string_view raw, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out->push_back(ch);
    } else {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 0x0f]);
    }
  }
}

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

Status missing(std::string_view header) {
  return Status::InvalidArgument(std::string(header) + " is missing: sign every request (docs/ADAPTERS.md, " +
                                 "\"Signing requests\") or present your unit's client certificate");
}

}  // namespace

Status check_signature_headers(std::optional<std::string_view> key, std::optional<std::string_view> timestamp,
                               std::optional<std::string_view> nonce, std::optional<std::string_view> signature,
                               SignatureHeaders* out) {
  if (!key) return missing(kKeyHeader);
  if (!timestamp) return missing(kTimestampHeader);
  if (!nonce) return missing(kNonceHeader);
  if (!signature) return missing(kSignatureHeader);
  if (!is_token(*key, 1, 64))
    return Status::InvalidArgument(std::string(kKeyHeader) +
                                   " must be your key id as hubctl printed it (letters, digits, '_' and '-')");
  if (timestamp->empty() || timestamp->size() > 18 ||
      !std::all_of(timestamp->begin(), timestamp->end(), [](char c) { return c >= '0' && c <= '9'; }))
    return Status::InvalidArgument(std::string(kTimestampHeader) +
                                   " must be the time of signing in whole seconds since 1970-01-01T00:00:00Z");
  if (!is_token(*nonce, 16, 64))
    return Status::InvalidArgument(std::string(kNonceHeader) +
                                   " must be 16 to 64 letters, digits, '_' or '-', new for every request "
                                   "(e.g. 32 random hex digits)");
  if (signature->size() != 64 || !std::all_of(signature->begin(), signature->end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      }))
    return Status::InvalidArgument(std::string(kSignatureHeader) +
                                   " must be the HMAC-SHA256 of the canonical text in 64 lower-case hex digits");
  out->key = std::string(*key);
  out->timestamp = std::stoll(std::string(*timestamp));
  out->nonce = std::string(*nonce);
  out->signature = std::string(*signature);
  return {};
}

Status canonical_query(std::string_view raw_query, std::string* out) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (Status s = http::parse_query(raw_query, &pairs); !s.ok()) return s;
  for (const auto& [name, value] : pairs)
    if (name.find('\0') != std::string::npos || value.find('\0') != std::string::npos)
      return Status::InvalidArgument("query: a NUL byte is not allowed");
  out->clear();
  for (const auto& [name, value] : pairs) {
    if (!out->empty()) out->push_back('&');
    append_encoded(name, out);
    out->push_back('=');
    append_encoded(value, out);
  }
  return {};
}

Status canonical_text(std::string_view method, std::string_view raw_path, std::string_view raw_query,
                      std::int64_t timestamp, std::string_view nonce, std::string_view body, std::string* out) {
  std::string query;
  if (Status s = canonical_query(raw_query, &query); !s.ok()) return s;
  out->clear();
  out->append(kSignatureScheme).append("\n");
  out->append(method).append("\n");
  out->append(raw_path).append("\n");
  out->append(query).append("\n");
  out->append(std::to_string(timestamp)).append("\n");
  out->append(nonce).append("\n");
  out->append(sha256_hex(body));
  return {};
}

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return to_hex(digest.data(), digest.size());
}

std::string hmac_sha256_hex(std::string_view secret, std::string_view text) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_final(&state, mac.data());
  return to_hex(mac.data(), mac.size());
}

}  // namespace hub::http_adapter
