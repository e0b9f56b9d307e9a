#include "http/tls.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <fmt/format.h>

namespace hub::http::detail {

namespace {

namespace ssl = boost::asio::ssl;

std::string openssl_errors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text;
}

}  // namespace

Status make_tls_context(const ListenerSettings& settings, std::unique_ptr<ssl::context>* out) {
  const std::string where = "listener " + settings.bind + ": ";
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                       ssl::context::single_dh_use);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  boost::system::error_code error;
  context->use_certificate_chain_file(settings.certificate_file, error);
  if (error) {
    return Status::InvalidArgument(where + "cannot use certificate_file " + settings.certificate_file + " (" +
                                   error.message() + "): it must be a readable PEM certificate (chain)");
  }
  context->use_private_key_file(settings.private_key_file, ssl::context::pem, error);
  if (error) {
    return Status::InvalidArgument(where + "cannot use private_key_file " + settings.private_key_file + " (" +
                                   error.message() + "): it must be a readable, unencrypted PEM private key, the one certificate_file was issued for");
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return Status::InvalidArgument(where + "private_key_file does not belong to certificate_file (" +
                                   openssl_errors() + "): give the key the certificate was issued for");
  }
  if (!settings.client_ca_file.empty()) {
    context->load_verify_file(settings.client_ca_file, error);
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(settings.client_ca_file.c_str());
    if (error || names == nullptr) {
      return Status::InvalidArgument(where + "cannot use client_ca_file " + settings.client_ca_file +
                                     ": it must be a readable PEM file of CA certificates");
    }
    SSL_CTX_set_client_CA_list(native, names);  // takes ownership: tells clients which CAs are accepted
    context->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    // Resumed sessions must carry the same verified identity.
    static const unsigned char kSessionContext[] = "hub-http";
    SSL_CTX_set_session_id_context(native, kSessionContext, sizeof kSessionContext - 1);
  }
  *out = std::move(context);
  return Status::Ok();
}

std::string peer_certificate_sha256(SSL* ssl) {
  X509* certificate = SSL_get1_peer_certificate(ssl);
  if (certificate == nullptr) return {};
  std::string hex;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (SSL_get_verify_result(ssl) == X509_V_OK && X509_digest(certificate, EVP_sha256(), digest, &length) == 1) {
    hex.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  }
  X509_free(certificate);
  return hex;
}

}  // namespace hub::http::detail
