// Readers of the hub:, plugins: and adapters: sections (see sections.h).
#include <limits>

#include "config/sections.h"

namespace hub::config {
namespace {

constexpr std::int64_t kNoMaximum = std::numeric_limits<std::int64_t>::max();

template <class Integer>
void read_integer(const YamlMap& map, const std::string& field, std::int64_t min, std::int64_t max, Integer& out) {
  if (const auto node = map.get(field))
    if (const auto value = node->integer(min, max)) out = static_cast<Integer>(*value);
}

void read_string(const YamlMap& map, const std::string& field, std::string& out) {
  if (const auto value = map.string(field)) out = *value;
}

// A folder path; relative ones are resolved after loading (see loader.h).
void read_folder(const YamlMap& map, const std::string& field, std::string& out) {
  const auto node = map.get(field);
  const auto text = node ? node->string() : std::nullopt;
  if (text && text->empty())
    node->error("empty path (expected a folder, absolute or relative to the top-level file's folder)");
  else if (text)
    out = *text;
}

void read_delivery(const YamlNode& node, DeliveryPolicy& delivery) {
  const auto map = node.map({"max_attempts", "backoff_initial_ms", "backoff_max_ms", "backoff_multiplier"});
  if (!map) return;
  read_integer(*map, "max_attempts", 1, 1000, delivery.max_attempts);
  std::int64_t initial_ms = delivery.backoff_initial.count();
  std::int64_t max_ms = delivery.backoff_max.count();
  read_integer(*map, "backoff_initial_ms", 1, kNoMaximum, initial_ms);
  read_integer(*map, "backoff_max_ms", 1, kNoMaximum, max_ms);
  delivery.backoff_initial = std::chrono::milliseconds(initial_ms);
  delivery.backoff_max = std::chrono::milliseconds(max_ms);
  if (max_ms < initial_ms) {
    const auto culprit = map->get("backoff_max_ms") ? map->get("backoff_max_ms") : map->get("backoff_initial_ms");
    culprit->error("backoff_max_ms (" + std::to_string(max_ms) + ") is below backoff_initial_ms (" +
                   std::to_string(initial_ms) + "); expected backoff_max_ms >= backoff_initial_ms");
  }
  if (const auto multiplier = map->get("backoff_multiplier"))
    if (const auto value = multiplier->number(1.0)) delivery.backoff_multiplier = *value;
}

// credentials: {key_file, max_clock_skew_seconds}. The skew's bounds: below
// 30 s ordinary clock drift refuses honest units; above a day a captured
// request stays playable (and its nonce kept) for too long.
void read_credentials(const YamlNode& node, CredentialSettings& credentials) {
  const auto map = node.map({"key_file", "max_clock_skew_seconds"});
  if (!map) return;
  if (const auto file = map->get("key_file")) {
    if (const auto text = file->string(); text && text->empty())
      file->error("empty path (expected the credentials key file, absolute or relative to the top-level file's "
                  "folder; leave the setting out for <keys_dir>/credentials.key)");
    else if (text)
      credentials.key_file = *text;
  }
  read_integer(*map, "max_clock_skew_seconds", 30, 24 * 3600, credentials.max_clock_skew_seconds);
}

void read_limits(const YamlNode& node, MessageLimits& limits) {
  const auto map = node.map({"max_depth", "max_values", "max_object_keys", "max_array_items", "max_string_bytes"});
  if (!map) return;
  // The upper bounds keep a unit's message within what the hub can hold and
  // walk safely (dumping a tree recurses once per level).
  read_integer(*map, "max_depth", 2, 256, limits.max_depth);
  read_integer(*map, "max_values", 1, 10'000'000, limits.max_values);
  read_integer(*map, "max_object_keys", 1, 1'000'000, limits.max_object_keys);
  read_integer(*map, "max_array_items", 1, 10'000'000, limits.max_array_items);
  read_integer(*map, "max_string_bytes", 1, 64 * 1024 * 1024, limits.max_string_bytes);
}

// Free settings of a plugin or adapter, as JSON. With resolve_file_paths, the
// values of keys ending in "_file", at any depth of nested maps (a listener's
// certificate_file, a webhook's secret_file), must be paths and are made
// absolute against the folder of the file that declares them.
Json read_settings(const YamlNode& node, bool resolve_file_paths) {
  Json settings = Json::object();
  if (node.is_null()) return settings;
  const auto map = node.any_map();
  if (!map) return settings;
  for (const YamlEntry& entry : map->entries()) {
    if (resolve_file_paths && entry.value.is_map()) {
      settings[entry.name] = read_settings(entry.value, resolve_file_paths);
      continue;
    }
    Json value = entry.value.json();
    if (resolve_file_paths && entry.name.ends_with("_file")) {
      if (!value.is_string() || value.get<std::string>().empty()) {
        entry.value.error("expected a file path (settings whose key ends in '_file' name files)");
        continue;
      }
      value = absolute_from_file(entry.value.where().file, value.get<std::string>());
    }
    settings[entry.name] = std::move(value);
  }
  return settings;
}

// A module's SHA-256 pin: 64 hex digits, kept in lower case.
void read_sha256(const YamlMap& map, std::string& out) {
  const auto node = map.get("sha256");
  const auto text = node ? node->string() : std::nullopt;
  if (!text) return;
  std::string lower;
  for (char c : *text) lower += static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
  if (lower.size() != 64 || lower.find_first_not_of("0123456789abcdef") != std::string::npos)
    node->error("expected the module file's SHA-256 as 64 hexadecimal digits (as 'sha256sum FILE' prints it)");
  else
    out = lower;
}

// An OS group name: letters, digits, '_', '.', '-' (the portable set).
void read_group(const YamlMap& map, const std::string& field, std::string& out) {
  const auto node = map.get(field);
  const auto text = node ? node->string() : std::nullopt;
  if (!text) return;
  const bool portable = !text->empty() && (*text)[0] != '-' &&
                        text->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
                            std::string::npos;
  if (!portable)
    node->error("'" + *text + "' is not a group name (expected letters, digits, '_', '.' and '-', as 'groupadd' takes)");
  else
    out = *text;
}

// A plugin or adapter entry: {name, file, sha256, settings}.
template <class ModuleConfig>
ModuleConfig read_module(const YamlNode& node, SymbolKind kind, bool resolve_file_paths, LoadContext& ctx) {
  ModuleConfig config;
  config.where = node.where();
  const auto map = node.map({"name", "file", "sha256", "settings"}, {"name", "file"});
  if (!map) return config;
  config.name = read_declared_id(*map, "name", kind, ctx);
  if (const auto file = map->get("file")) {
    if (const auto text = file->string(); text && text->empty())
      file->error("empty file name (expected the library's file name or path)");
    else if (text)
      config.file = *text;
  }
  read_sha256(*map, config.sha256);
  if (const auto settings = map->get("settings")) config.settings = read_settings(*settings, resolve_file_paths);
  return config;
}

}  // namespace

void read_hub(const YamlNode& node, LoadContext& ctx) {
  const auto map = node.map({"id", "database", "data_dir", "operator_socket", "operator_group", "plugin_dir", "keys_dir",
                             "max_payload_bytes", "limits", "unit_quota", "heartbeat_timeout_seconds", "delivery",
                             "credentials"});
  if (!map) return;
  HubSettings& hub = ctx.deployment.hub;
  if (const auto id = map->get("id"))
    if (const auto text = read_id(*id)) hub.id = *text;
  read_string(*map, "database", hub.database);
  read_folder(*map, "data_dir", hub.data_dir);
  read_folder(*map, "keys_dir", hub.keys_dir);
  read_string(*map, "operator_socket", hub.operator_socket);  // empty: the default
  read_group(*map, "operator_group", hub.operator_group);     // empty: the hub's user and root only
  read_string(*map, "plugin_dir", hub.plugin_dir);            // empty: the default
  read_integer(*map, "max_payload_bytes", 1, 64 * 1024 * 1024, hub.max_payload_bytes);
  if (const auto limits = map->get("limits")) read_limits(*limits, hub.limits);
  if (const auto quota = map->get("unit_quota")) {
    config::Unit every_unit;
    every_unit.quota = read_quota(*quota);
    hub.unit_quota = effective_quota(hub, every_unit);
  }
  read_integer(*map, "heartbeat_timeout_seconds", 1, 24 * 3600, hub.heartbeat_timeout_seconds);
  if (const auto delivery = map->get("delivery")) read_delivery(*delivery, hub.delivery);
  if (const auto credentials = map->get("credentials")) read_credentials(*credentials, hub.credentials);
}

void read_plugins(const YamlNode& node, LoadContext& ctx) {
  for_each_item(node, [&](const YamlNode& item) {
    ctx.deployment.plugins.push_back(read_module<PluginConfig>(item, SymbolKind::kPlugin, false, ctx));
  });
}

void read_adapters(const YamlNode& node, LoadContext& ctx) {
  for_each_item(node, [&](const YamlNode& item) {
    ctx.deployment.adapters.push_back(read_module<AdapterConfig>(item, SymbolKind::kAdapter, true, ctx));
  });
}

}  // namespace hub::config
