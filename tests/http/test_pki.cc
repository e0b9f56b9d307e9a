#include "test_pki.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace hub::http::testing {

namespace {

// A step that failed ends the making with what it was (a test fails on it).
void ensure(bool done, const char* step) {
  if (!done) throw std::runtime_error(std::string("making the test certificates: ") + step + " failed");
}

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertFree {
  void operator()(X509* cert) const { X509_free(cert); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

Key new_key() {
  Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ensure(key != nullptr, "EC P-256 key generation");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  ensure(extension != nullptr, "X509V3_EXT_conf_nid");
  ensure(X509_add_ext(cert, extension, -1) == 1, "X509_add_ext");
  X509_EXTENSION_free(extension);
}

// A certificate for `key` named `common_name`, issued by `issuer` (itself
// when null) and signed with `issuer_key`.
Cert new_certificate(EVP_PKEY* key, const char* common_name, X509* issuer, EVP_PKEY* issuer_key, bool ca,
                     const char* alt_names, long serial) {
  Cert cert(X509_new());
  ensure(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  if (ca) {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth,clientAuth");
    if (alt_names != nullptr) add_extension(cert.get(), signer, NID_subject_alt_name, alt_names);
  }
  ensure(X509_sign(cert.get(), issuer_key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

void write_pem(const std::string& path, X509* cert, EVP_PKEY* key) {
  FILE* file = std::fopen(path.c_str(), "w");
  ensure(file != nullptr, "opening a PEM file for writing");
  const int written = cert != nullptr ? PEM_write_X509(file, cert)
                                      : PEM_write_PrivateKey(file, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(file);
  ensure(written == 1, "writing a PEM file");
}

std::string sha256_hex(X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  ensure(X509_digest(cert, EVP_sha256(), digest, &length) == 1, "X509_digest");
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

}  // namespace

TestPki::TestPki() {
  std::string pattern = (std::filesystem::temp_directory_path() / "hub-http-pki-XXXXXX").string();
  ensure(mkdtemp(pattern.data()) != nullptr, "mkdtemp");
  dir_ = pattern;
  const auto at = [this](const char* name) { return dir_ + "/" + name; };

  Key ca_key = new_key();
  Cert ca = new_certificate(ca_key.get(), "hub test CA", nullptr, ca_key.get(), true, nullptr, 1);
  Key other_ca_key = new_key();
  Cert other_ca = new_certificate(other_ca_key.get(), "another CA", nullptr, other_ca_key.get(), true, nullptr, 2);
  Key server_key = new_key();
  Cert server = new_certificate(server_key.get(), "localhost", ca.get(), ca_key.get(), false,
                                "DNS:localhost,IP:127.0.0.1", 3);
  Key client_key = new_key();
  Cert client = new_certificate(client_key.get(), "unit-a", ca.get(), ca_key.get(), false, nullptr, 4);
  Key other_client_key = new_key();
  Cert other_client =
      new_certificate(other_client_key.get(), "unit-a", other_ca.get(), other_ca_key.get(), false, nullptr, 5);

  ca_file = at("ca.pem");
  write_pem(ca_file, ca.get(), nullptr);
  other_ca_file = at("other-ca.pem");
  write_pem(other_ca_file, other_ca.get(), nullptr);
  server_cert_file = at("server.pem");
  write_pem(server_cert_file, server.get(), nullptr);
  server_key_file = at("server.key");
  write_pem(server_key_file, nullptr, server_key.get());
  client_cert_file = at("client.pem");
  write_pem(client_cert_file, client.get(), nullptr);
  client_key_file = at("client.key");
  write_pem(client_key_file, nullptr, client_key.get());
  other_client_cert_file = at("other-client.pem");
  write_pem(other_client_cert_file, other_client.get(), nullptr);
  other_client_key_file = at("other-client.key");
  write_pem(other_client_key_file, nullptr, other_client_key.get());
  client_sha256 = sha256_hex(client.get());
}

TestPki::~TestPki() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace hub::http::testing
