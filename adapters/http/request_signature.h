// request_signature.h: the text a unit signs for each request, and the
// headers that carry the signature (docs/ADAPTERS.md, "Signing requests").
//
// The canonical text is seven lines joined by "\n" (no newline at the end):
//
//   XH1-HMAC-SHA256
//   <method, as sent: POST>
//   <path, as sent, still percent-encoded: /v1/cases>
//   <canonical query: the query's name=value pairs decoded, sorted by name
//    then value, each re-encoded keeping only A-Z a-z 0-9 - . _ ~ and writing
//    every other byte as %XX in upper case, joined by '&'; "" when none>
//   <timestamp: the X-XH-Timestamp header, decimal seconds since the epoch>
//   <nonce: the X-XH-Nonce header>
//   <lower-case hex SHA-256 of the body's bytes (of "" when none)>
//
// and the signature is the lower-case hex HMAC-SHA256 of that text under the
// unit's secret. The same text signs the hub's webhook pushes, under the
// webhook's secret. Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hub/status.h"

namespace hub::http_adapter {

inline constexpr std::string_view kSignatureScheme = "XH1-HMAC-SHA256";
inline constexpr std::string_view kKeyHeader = "X-XH-Key";
inline constexpr std::string_view kTimestampHeader = "X-XH-Timestamp";
inline constexpr std::string_view kNonceHeader = "X-XH-Nonce";
inline constexpr std::string_view kSignatureHeader = "X-XH-Signature";

// The signature headers of one request, checked for form (not for truth:
// that is the host's authenticate).
struct SignatureHeaders {
  std::string key;        // 1..64 of [A-Za-z0-9_-]
  std::int64_t timestamp = 0;  // 1..18 decimal digits
  std::string nonce;      // 16..64 of [A-Za-z0-9_-]
  std::string signature;  // 64 lower-case hex digits
};

// Checks the four headers' values (nullopt: the header is absent). Fails
// with a message naming the header and saying what to send.
Status check_signature_headers(std::optional<std::string_view> key, std::optional<std::string_view> timestamp,
                               std::optional<std::string_view> nonce, std::optional<std::string_view> signature,
                               SignatureHeaders* out);

// The canonical query of a raw query string (see above). Fails on a malformed
// %-escape or a NUL byte (so that the canonical query reads back as itself).
Status canonical_query(std::string_view raw_query, std::string* out);

// The canonical text of a request. Fails when the query is malformed.
Status canonical_text(std::string_view method, std::string_view raw_path, std::string_view raw_query,
                      std::int64_t timestamp, std::string_view nonce, std::string_view body, std::string* out);

// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);
// Lower-case hex HMAC-SHA256 of `text` under `secret`.
std::string hmac_sha256_hex(std::string_view secret, std::string_view text);

}  // namespace hub::http_adapter
