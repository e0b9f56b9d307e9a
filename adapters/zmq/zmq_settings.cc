#include "zmq_settings.h"

#include <climits>
#include <exception>

namespace hub::zmq_adapter {
namespace {

constexpr std::int64_t kDefaultMaxMessageBytes = 1048576;
constexpr std::int64_t kLargestMaxMessageBytes = 256LL * 1024 * 1024;
constexpr std::int64_t kDefaultSendHighWaterMark = 100000;
constexpr std::int64_t kDefaultHandshakesPerSecond = 20;
constexpr std::int64_t kDefaultHandshakeBurst = 40;
constexpr std::int64_t kMostHandshakesPerSecond = 100000;
constexpr std::int64_t kDefaultMaxMessagesPerSecond = 10000;
constexpr std::int64_t kDefaultFloodPenaltySeconds = 10;

std::string setting_name(const char* name) { return std::string("adapters[zmq].settings.") + name; }

Status read_string(const nlohmann::json& settings, const char* name, std::string& out) {
  const auto it = settings.find(name);
  if (it == settings.end() || it->is_null() || (it->is_string() && it->get<std::string>().empty()))
    return Status::InvalidArgument(setting_name(name) + " is required");
  if (!it->is_string()) return Status::InvalidArgument(setting_name(name) + " must be a string");
  out = it->get<std::string>();
  return {};
}

Status read_int(const nlohmann::json& settings, const char* name, std::int64_t fallback, std::int64_t min,
                std::int64_t max, std::int64_t& out) {
  const auto it = settings.find(name);
  if (it == settings.end() || it->is_null()) {
    out = fallback;
    return {};
  }
  if (!it->is_number_integer()) return Status::InvalidArgument(setting_name(name) + " must be an integer");
  const std::int64_t value = it->get<std::int64_t>();
  if (value < min || value > max)
    return Status::InvalidArgument(setting_name(name) + " is " + std::to_string(value) + "; it must be between " +
                                   std::to_string(min) + " and " + std::to_string(max));
  out = value;
  return {};
}

}  // namespace

std::vector<SettingDecl> setting_declarations() {
  return {
      {"bind", SettingType::kString, nullptr, true,
       "ZeroMQ endpoint the hub listens on for member units, e.g. tcp://0.0.0.0:7750 or tcp://127.0.0.1:7750"},
      {"secret_key_file", SettingType::kString, nullptr, true,
       "the hub's CURVE key pair file (lines 'public = <Z85>' and 'secret = <Z85>'), made by "
       "'hubctl keygen'; units need the matching public key"},
      {"max_message_bytes", SettingType::kInt, kDefaultMaxMessageBytes, false,
       "largest JSON body accepted from a unit; larger ones are answered with error 'oversized'"},
      {"send_high_water_mark", SettingType::kInt, kDefaultSendHighWaterMark, false,
       "messages queued for one unit before further ones are dropped (and redelivered later); 0 means no limit"},
      {"handshakes_per_second", SettingType::kInt, kDefaultHandshakesPerSecond, false,
       "CURVE handshakes accepted per second from one source address (token bucket); more are refused "
       "and logged at most once a minute per address; 0 means no limit"},
      {"handshake_burst", SettingType::kInt, kDefaultHandshakeBurst, false,
       "handshakes one source address may make at once before handshakes_per_second applies"},
      {"max_messages_per_second", SettingType::kInt, kDefaultMaxMessagesPerSecond, false,
       "messages one connection may send per second (in bursts of as many) before the adapter cuts it and "
       "refuses its key at the handshake for flood_penalty_seconds; far above any unit's quota, it stops a "
       "flood from costing the hub the CPU to read it; 0 means no limit"},
      {"flood_penalty_seconds", SettingType::kInt, kDefaultFloodPenaltySeconds, false,
       "how long the key of a connection cut for flooding is refused at the handshake; doubled for each "
       "further cut within the hour, up to 60 times this"},
      {"allowed_addresses", SettingType::kMap, nullptr, false,
       "per unit id, the networks (CIDR, IPv4 or IPv6) it may connect from, e.g. "
       "{registry: [10.20.0.0/16, \"2001:db8:4::/48\"]}; a unit not named may connect from anywhere"},
  };
}

Status parse_settings(const nlohmann::json& settings, ZmqSettings& out) noexcept {
  try {
    if (!settings.is_object()) return Status::InvalidArgument("adapters[zmq].settings must be a map");
    ZmqSettings parsed;
    std::int64_t hwm = 0;
    if (Status s = read_string(settings, "bind", parsed.bind); !s.ok()) return s;
    if (Status s = read_string(settings, "secret_key_file", parsed.secret_key_file); !s.ok()) return s;
    if (Status s = read_int(settings, "max_message_bytes", kDefaultMaxMessageBytes, 1, kLargestMaxMessageBytes,
                            parsed.max_message_bytes);
        !s.ok())
      return s;
    if (Status s = read_int(settings, "send_high_water_mark", kDefaultSendHighWaterMark, 0, INT_MAX, hwm); !s.ok())
      return s;
    parsed.send_high_water_mark = static_cast<int>(hwm);
    std::int64_t rate = 0, burst = 0;
    if (Status s = read_int(settings, "handshakes_per_second", kDefaultHandshakesPerSecond, 0,
                            kMostHandshakesPerSecond, rate);
        !s.ok())
      return s;
    if (Status s = read_int(settings, "handshake_burst", kDefaultHandshakeBurst, 1, kMostHandshakesPerSecond, burst);
        !s.ok())
      return s;
    parsed.handshakes_per_second = static_cast<int>(rate);
    parsed.handshake_burst = static_cast<int>(burst);
    std::int64_t messages = 0, penalty = 0;
    if (Status s = read_int(settings, "max_messages_per_second", kDefaultMaxMessagesPerSecond, 0, 100'000'000,
                            messages);
        !s.ok())
      return s;
    if (Status s = read_int(settings, "flood_penalty_seconds", kDefaultFloodPenaltySeconds, 1, 86400, penalty);
        !s.ok())
      return s;
    parsed.max_messages_per_second = static_cast<int>(messages);
    parsed.flood_penalty_seconds = static_cast<int>(penalty);
    const auto allowed = settings.find("allowed_addresses");
    if (Status s = AddressAllowList::parse(allowed == settings.end() ? nlohmann::json() : *allowed,
                                           parsed.allowed_addresses);
        !s.ok())
      return s;
    out = std::move(parsed);
    return {};
  } catch (const std::exception& e) {
    return Status::Internal(std::string("reading adapters[zmq].settings: ") + e.what());
  }
}

}  // namespace hub::zmq_adapter
