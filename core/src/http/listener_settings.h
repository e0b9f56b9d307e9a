// http/listener_settings.h: what one HTTP listener binds, how it secures its
// connections and the limits it holds every client to.
//
// One listener serves one audience (unit API, workbench, public page,
// operators' console); each has its own ListenerSettings. Plain values, no
// threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "hub/status.h"

namespace hub::http {

struct ListenerSettings {
  // "127.0.0.1:8443", "[::1]:0", "0.0.0.0:443": an IP literal (IPv6 in
  // brackets) and a port; port 0 takes any free port (Server::port() says which).
  std::string bind;

  // HTTPS: both PEM files, or neither. The certificate file may hold the chain.
  std::string certificate_file;
  std::string private_key_file;
  // When set (PEM, one or more CA certificates), every client must present a
  // certificate issued by one of them: the TLS handshake fails otherwise, and
  // each request carries the SHA-256 fingerprint of the verified certificate.
  // Needs HTTPS.
  std::string client_ca_file;
  // Without a certificate, plain HTTP is refused unless the bind address is
  // loopback or this is true (a TLS-terminating proxy in front).
  bool allow_plain_http = false;

  // Limits. A client beyond them gets a short JSON error and, when its
  // request was not read to the end, a closed connection.
  std::size_t max_header_bytes = 16 * 1024;    // request line + headers: 431 beyond
  std::size_t max_body_bytes = 1024 * 1024;    // 413 beyond; a route may lower it
  std::size_t max_connections = 1024;          // open connections; 503 beyond
  std::size_t max_connections_per_address = 64;  // per client IP; 503 beyond
  // The whole header (and, for a new connection, the TLS handshake) must
  // arrive within this, however slowly its bytes trickle in (slowloris): 408.
  std::chrono::milliseconds header_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds body_timeout{std::chrono::seconds(30)};   // whole body: 408
  // A keep-alive connection waiting for the first byte of its next request.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  std::chrono::milliseconds write_timeout{std::chrono::seconds(30)};  // whole response
  int worker_threads = 2;  // threads running the listener's I/O and its handlers

  bool https() const { return !certificate_file.empty(); }
};

// Where a listener binds: parsed from ListenerSettings::bind.
struct BindAddress {
  std::string host;  // the IP literal, without brackets
  std::uint16_t port = 0;
  bool loopback = false;
};

// Parses "host:port" / "[v6]:port". Names ("localhost") are refused: the
// message says which address to write instead.
Status parse_bind_address(const std::string& bind, BindAddress* out);

// Checks the settings as a whole: the bind address, the TLS files named in
// pairs, the plain-HTTP rule, limits above zero. The message says what to do.
Status check_listener_settings(const ListenerSettings& settings);

}  // namespace hub::http
