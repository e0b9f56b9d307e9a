// http_settings.h: the settings of the http adapter (adapters[http].settings
// in the hub's config) and their declarations for the host's checks and help.
//
//   listener: {bind: "0.0.0.0:8443", certificate_file: ..., private_key_file: ...}
//   answer_timeout_seconds: 30      # the hub's answer to one request, at most
//   max_poll_wait_seconds: 10       # GET /v1/inbox?wait=N holds at most this
//   poll_presence_seconds: 15       # a unit that polled counts as connected this long
//   inbox_limit: 1000               # messages kept for one polling unit
//   request_threads: 8              # requests carried out at once (request_workers.h)
//   max_upload_bytes: 20971520      # the body of POST /v1/attachments, at most
//   uploads_at_once: 4              # uploads being read or stored at once
//   webhooks:                       # units pushed to, by unit id (URLs come only from here)
//     registry: {url: "https://10.20.1.5/xh/inbox", secret_file: /etc/xinhui-hub/webhooks/registry.secret,
//                ca_file: /etc/xinhui-hub/webhooks/registry-ca.pem, timeout_seconds: 10, connections: 2,
//                batch: 1, queue_limit: 1000}
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "http/listener_settings.h"
#include "hub/settings.h"
#include "hub/status.h"

#include <nlohmann/json.hpp>

namespace hub::http_adapter {

// Where a webhook goes: parsed from its URL.
struct WebhookTarget {
  bool https = true;
  std::string host;  // a name or an IP literal (without brackets)
  std::uint16_t port = 443;
  std::string target;  // path and query, "/" at least
};

struct WebhookSettings {
  std::string url;
  WebhookTarget where;
  std::string secret_file;   // made with a new secret when missing
  std::string secret;        // read from secret_file: the HMAC key of the pushes' signatures (its text)
  bool secret_made = false;  // secret_file was made now: the unit's IT staff must be given it
  std::string ca_file;       // trust for the receiver's certificate; empty: the system's CAs
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};  // connect, TLS, request and answer, each
  int connections = 2;       // pushes in flight to this unit at once
  // Messages one push carries at most. 1: each push is one message, as
  // docs/PROTOCOL.md writes it. More: every push is {"kind":"batch",
  // "messages":[...]} of 1..batch messages, whatever was waiting, and its
  // 2xx acks them all (docs/ADAPTERS.md, "Webhooks").
  int batch = 1;
  // Messages waiting for a push at most; beyond, the hub keeps them and
  // sends them again after its backoff.
  std::size_t queue_limit = 1000;
};

inline constexpr std::int64_t kLargestWebhookBatch = 500;

struct HttpSettings {
  http::ListenerSettings listener;
  std::chrono::milliseconds answer_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds max_poll_wait{std::chrono::seconds(10)};
  std::chrono::milliseconds poll_presence{std::chrono::seconds(15)};
  std::size_t inbox_limit = 1000;
  int request_threads = 8;
  std::size_t max_upload_bytes = std::size_t{20} << 20;
  std::size_t uploads_at_once = 4;
  std::map<std::string, WebhookSettings> webhooks;  // by unit id
};

std::vector<SettingDecl> setting_declarations();

// Reads `settings` (a JSON object; missing optional values take their
// defaults), including each webhook's secret file, made with a new random
// secret (mode 0600) when it does not exist. Errors name the setting as
// adapters[http].settings.<name> and say what to write. Never throws.
Status parse_settings(const nlohmann::json& settings, HttpSettings& out) noexcept;

// Parses "https://host[:port][/path][?query]" ("http://" only when
// `allow_plain` or the host is a loopback address).
Status parse_webhook_url(const std::string& url, bool allow_plain, WebhookTarget* out);

}  // namespace hub::http_adapter
