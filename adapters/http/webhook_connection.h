// webhook_connection.h: one keep-alive connection from the hub to a unit's
// webhook, used by one thread at a time, blocking with timeouts.
//
// Every step (resolve aside, connect, TLS handshake, write, read) must finish
// within the webhook's timeout, or the connection is closed and the push
// fails. HTTPS verifies the receiver's certificate against the webhook's
// ca_file (or the system's CAs) and its name against the URL's host. The
// connection is opened on first use and again after any failure or a
// "Connection: close". Answers larger than 64 KiB fail the push: a receiver
// says 2xx, it does not send content.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http_settings.h"
#include "hub/status.h"

namespace hub::http_adapter {

class WebhookConnection {
 public:
  explicit WebhookConnection(const WebhookSettings& webhook);
  ~WebhookConnection();
  WebhookConnection(const WebhookConnection&) = delete;
  WebhookConnection& operator=(const WebhookConnection&) = delete;

  // POSTs `body` (application/json) with `headers` to the webhook's URL; the
  // answer's status in `status`. Fails (Unavailable, with the reason) when
  // the receiver could not be reached or did not answer in time.
  Status post(const std::string& body, const std::vector<std::pair<std::string, std::string>>& headers, int* status);

  struct Impl;

 private:
  Status attempt(const std::string& body, const std::vector<std::pair<std::string, std::string>>& headers,
                 int* status);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hub::http_adapter
