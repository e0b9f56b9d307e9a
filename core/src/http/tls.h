// http/tls.h: the TLS side of a listener (internal to hub_http): its OpenSSL
// context and the client certificate's fingerprint.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "http/listener_settings.h"
#include "hub/status.h"

typedef struct ssl_st SSL;

namespace hub::http::detail {

// TLS 1.2 or later, the listener's certificate and key, and when
// client_ca_file is set, client certificates required and verified against it.
Status make_tls_context(const ListenerSettings& settings, std::unique_ptr<boost::asio::ssl::context>* out);

// Lower-case hex SHA-256 of the peer's verified certificate (DER); "" when
// it sent none or it did not verify.
std::string peer_certificate_sha256(SSL* ssl);

}  // namespace hub::http::detail
