// keys/certificate_fingerprint.h: the fingerprint a unit's TLS client
// certificate is known by: SHA-256 of the certificate's DER encoding, in
// lower-case hexadecimal (what `openssl x509 -noout -fingerprint -sha256`
// prints, without the colons, in lower case). The HTTP adapter presents the
// same value as a kClientCertificate credential.
#pragma once

#include <string>

#include "util/result.h"

namespace hub::keys {

struct CertificateSummary {
  std::string fingerprint;  // 64 lower-case hexadecimal digits
  std::string subject;      // one line, e.g. "/CN=registry/O=..."
  std::string not_after;    // as OpenSSL prints it, e.g. "Dec  7 13:00:00 2027 GMT"
};

// The first certificate of a PEM text. kInvalidArgument when there is none.
Result<CertificateSummary> summarize_certificate_pem(const std::string& pem);
// The same, read from a file; errors name the file.
Result<CertificateSummary> summarize_certificate_file(const std::string& path);

// True when `text` is 64 lower-case hexadecimal digits.
bool is_fingerprint(const std::string& text);

}  // namespace hub::keys
