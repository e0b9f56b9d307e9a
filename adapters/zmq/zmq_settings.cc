#include "zmq_settings.h"

#include <climits>
#include <exception>

namespace hub::zmq_adapter {
namespace {

constexpr std::int64_t kDefaultMaxMessageBytes = 1048576;
constexpr std::int64_t kLargestMaxMessageBytes = 256LL * 1024 * 1024;
constexpr std::int64_t kDefaultSendHighWaterMark = 100000;

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
    out = std::move(parsed);
    return {};
  } catch (const std::exception& e) {
    return Status::Internal(std::string("reading adapters[zmq].settings: ") + e.what());
  }
}

}  // namespace hub::zmq_adapter
