#include "keys/certificate_fingerprint.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "keys/request_signature.h"

namespace hub::keys {
namespace {

struct FreeBio {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct FreeX509 {
  void operator()(X509* x) const { X509_free(x); }
};

std::string not_after_text(const X509* cert) {
  std::unique_ptr<BIO, FreeBio> out(BIO_new(BIO_s_mem()));
  if (!out || ASN1_TIME_print(out.get(), X509_get0_notAfter(cert)) != 1) return "";
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

}  // namespace

Result<CertificateSummary> summarize_certificate_pem(const std::string& pem) {
  std::unique_ptr<BIO, FreeBio> in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::unique_ptr<X509, FreeX509> cert(in ? PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert)
    return Status::InvalidArgument("no certificate found: expected a PEM file starting with "
                                   "'-----BEGIN CERTIFICATE-----' (the unit's client certificate, not its private key)");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(cert.get(), EVP_sha256(), digest, &length) != 1)
    return Status::Internal("the certificate's SHA-256 could not be computed");
  CertificateSummary out;
  out.fingerprint = to_hex(std::string_view(reinterpret_cast<const char*>(digest), length));
  char subject[512];
  X509_NAME_oneline(X509_get_subject_name(cert.get()), subject, sizeof subject);
  out.subject = subject;
  out.not_after = not_after_text(cert.get());
  return out;
}

Result<CertificateSummary> summarize_certificate_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Status::NotFound("cannot read " + path + ": give the path of the unit's certificate (PEM)");
  auto summary = summarize_certificate_pem(text.str());
  if (!summary.ok()) return Status(summary.status().code(), path + ": " + summary.status().message());
  return summary;
}

bool is_fingerprint(const std::string& text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace hub::keys
