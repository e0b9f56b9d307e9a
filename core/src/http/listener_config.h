// http/listener_config.h: a listener's settings as the config writes them.
//
// Every listener (the unit API in the HTTP adapter's settings; the workbench,
// public page and console in hub.yaml) is written the same way, as a map:
//
//   bind: "0.0.0.0:8443"                 # required
//   certificate_file: /etc/xinhui-hub/tls/hub.crt
//   private_key_file: /etc/xinhui-hub/tls/hub.key
//   client_ca_file: ...                  # optional: client certificates required
//   allow_plain_http: false
//   max_header_bytes: 16384              max_body_bytes: 1048576
//   max_connections: 1024                max_connections_per_address: 64
//   header_timeout_seconds: 10           body_timeout_seconds: 30
//   idle_timeout_seconds: 60             write_timeout_seconds: 30
//   worker_threads: 2
//
// Omitted keys keep ListenerSettings' defaults. Unknown keys, values of the
// wrong type or out of range are refused with a message naming the key, where
// it is (`where`, e.g. "adapters[http].settings.listener") and what to write.
// The result is also checked as a whole (check_listener_settings).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "http/listener_settings.h"
#include "hub/status.h"

namespace hub::http {

Status read_listener_settings(const nlohmann::json& map, const std::string& where, ListenerSettings* out);

}  // namespace hub::http
