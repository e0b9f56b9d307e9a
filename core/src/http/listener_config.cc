#include "http/listener_config.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>

namespace hub::http {
namespace {

// One key of the map: reads its value into the settings, or says why not.
using Reader = std::function<std::string(const nlohmann::json& value, ListenerSettings& s)>;

Reader text(std::string ListenerSettings::*field) {
  return [field](const nlohmann::json& v, ListenerSettings& s) -> std::string {
    if (!v.is_string()) return "must be a string";
    s.*field = v.get<std::string>();
    return "";
  };
}

// A whole number within [min, max], assigned through `set`.
Reader count(std::int64_t min, std::int64_t max, std::function<void(ListenerSettings&, std::int64_t)> set) {
  return [=](const nlohmann::json& v, ListenerSettings& s) -> std::string {
    if (!v.is_number_integer()) return "must be a whole number";
    const auto n = v.get<std::int64_t>();
    if (n < min || n > max) return "must be from " + std::to_string(min) + " to " + std::to_string(max);
    set(s, n);
    return "";
  };
}

Reader seconds(std::chrono::milliseconds ListenerSettings::*field) {
  return count(1, 3600, [field](ListenerSettings& s, std::int64_t n) { s.*field = std::chrono::seconds(n); });
}

Reader bytes(std::size_t ListenerSettings::*field, std::int64_t max) {
  return count(1, max, [field](ListenerSettings& s, std::int64_t n) { s.*field = static_cast<std::size_t>(n); });
}

const std::map<std::string, Reader>& readers() {
  static const std::map<std::string, Reader> keys = {
      {"bind", text(&ListenerSettings::bind)},
      {"certificate_file", text(&ListenerSettings::certificate_file)},
      {"private_key_file", text(&ListenerSettings::private_key_file)},
      {"client_ca_file", text(&ListenerSettings::client_ca_file)},
      {"allow_plain_http",
       [](const nlohmann::json& v, ListenerSettings& s) -> std::string {
         if (!v.is_boolean()) return "must be true or false";
         s.allow_plain_http = v.get<bool>();
         return "";
       }},
      {"max_header_bytes", bytes(&ListenerSettings::max_header_bytes, 1 << 20)},
      {"max_body_bytes", bytes(&ListenerSettings::max_body_bytes, std::int64_t{1} << 30)},
      {"max_connections", bytes(&ListenerSettings::max_connections, 100000)},
      {"max_connections_per_address", bytes(&ListenerSettings::max_connections_per_address, 100000)},
      {"header_timeout_seconds", seconds(&ListenerSettings::header_timeout)},
      {"body_timeout_seconds", seconds(&ListenerSettings::body_timeout)},
      {"idle_timeout_seconds", seconds(&ListenerSettings::idle_timeout)},
      {"write_timeout_seconds", seconds(&ListenerSettings::write_timeout)},
      {"worker_threads", count(1, 64, [](ListenerSettings& s, std::int64_t n) { s.worker_threads = static_cast<int>(n); })},
  };
  return keys;
}

std::string known_keys() {
  std::string out;
  for (const auto& [key, reader] : readers()) out += (out.empty() ? "" : ", ") + key;
  return out;
}

}  // namespace

Status read_listener_settings(const nlohmann::json& map, const std::string& where, ListenerSettings* out) {
  if (!map.is_object()) return Status::InvalidArgument(where + ": must be a map of listener settings (bind: ...)");
  if (!map.contains("bind"))
    return Status::InvalidArgument(where + ".bind: required: the address and port to listen on, such as "
                                           "\"0.0.0.0:8443\"");
  ListenerSettings settings;
  for (const auto& [key, value] : map.items()) {
    const auto reader = readers().find(key);
    if (reader == readers().end())
      return Status::InvalidArgument(where + "." + key + ": unknown listener setting; the known ones are " +
                                     known_keys());
    if (const std::string why = reader->second(value, settings); !why.empty())
      return Status::InvalidArgument(where + "." + key + ": " + why);
  }
  if (Status s = check_listener_settings(settings); !s.ok())
    return Status::InvalidArgument(where + ": " + s.message());
  *out = std::move(settings);
  return Status::Ok();
}

}  // namespace hub::http
