// http/client_connection.h: one keep-alive HTTP/1.1 connection from the hub
// (or a tool of ours) to a server, blocking with timeouts, used by one thread
// at a time.
//
// Every step (resolve aside, connect, TLS handshake, write, read) must finish
// within `timeout`, or the connection is closed and the request fails. HTTPS
// verifies the server's certificate against `ca_file` (or the system's CAs)
// and its name against `host`. The connection is opened on first use and
// again after any failure or a "Connection: close"; a request on a kept
// connection that the server closed meanwhile is tried once more on a new one
// (so only idempotent requests, or those the server deduplicates, belong here).
// Answers larger than `answer_limit` fail the request.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hub/status.h"

namespace hub::http {

struct ClientSettings {
  bool https = true;
  std::string host;  // a name or an IP literal (without brackets)
  std::uint16_t port = 443;
  std::string ca_file;  // trust for the server's certificate; empty: the system's CAs
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};  // connect, TLS, request and answer, each
  std::size_t answer_limit = 64 * 1024;  // bytes of an answer's body
  std::string user_agent = "xinhui-hub";
};

struct ClientAnswer {
  int status = 0;
  std::string body;
  std::string retry_after;  // the Retry-After header, "" when absent
};

using ClientHeaders = std::vector<std::pair<std::string, std::string>>;

class ClientConnection {
 public:
  explicit ClientConnection(ClientSettings settings);
  ~ClientConnection();
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  // Sends `method target` with `body` (application/json when not empty) and
  // `headers`, and reads the answer into `answer`. Fails (Unavailable, with
  // the step and the reason) when the server could not be reached or did not
  // answer in time.
  Status request(std::string_view method, const std::string& target, const std::string& body,
                 const ClientHeaders& headers, ClientAnswer* answer);
  // Opens the connection now (TLS handshake included) if it is not open.
  Status open();
  // "https://host:port" or "http://host:port", for messages.
  std::string origin() const;

  struct Impl;

 private:
  Status attempt(std::string_view method, const std::string& target, const std::string& body,
                 const ClientHeaders& headers, ClientAnswer* answer);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hub::http
