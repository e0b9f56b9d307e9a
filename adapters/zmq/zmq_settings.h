// zmq_settings.h: the settings of the zmq adapter (adapters[zmq].settings in
// the hub's config) and their declarations for the host's checks and help.
#pragma once

#include <cstdint>
#include <vector>

#include "address_allow_list.h"
#include "hub/settings.h"
#include "hub/status.h"

#include <nlohmann/json.hpp>

namespace hub::zmq_adapter {

struct ZmqSettings {
  std::string bind;             // ZeroMQ endpoint of the ROUTER, e.g. tcp://127.0.0.1:7750
  std::string secret_key_file;  // the hub's CURVE key pair file (public + secret)
  std::int64_t max_message_bytes = 1048576;
  int send_high_water_mark = 100000;  // per connected client; 0 means no limit
  int handshakes_per_second = 20;     // per source address; 0 means no limit
  int handshake_burst = 40;           // handshakes one address may make at once
  int max_messages_per_second = 10000;  // per connection, beyond which it is cut (flood_guard.h); 0: no limit
  int flood_penalty_seconds = 10;     // a cut connection's key is refused this long, doubling with repeats
  AddressAllowList allowed_addresses;  // by unit; a unit not named connects from anywhere

  // ZMQ_MAXMSGSIZE: above max_message_bytes, so that a body somewhat too large is
  // still read and answered with "oversized" instead of cutting the connection.
  // A frame beyond this makes libzmq disconnect the client.
  std::int64_t transport_max_frame_bytes() const { return 2 * max_message_bytes + 64 * 1024; }
};

// The declarations returned in AdapterInfo::settings.
std::vector<SettingDecl> setting_declarations();

// Reads `settings` (a JSON object; missing optional values take their defaults).
// Errors name the setting as adapters[zmq].settings.<name>. Never throws.
Status parse_settings(const nlohmann::json& settings, ZmqSettings& out) noexcept;

}  // namespace hub::zmq_adapter
