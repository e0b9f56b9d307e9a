// Helpers shared by the section readers (see sections.h).
#include <algorithm>
#include <filesystem>

#include "config/loader.h"
#include "config/sections.h"
#include "util/ids.h"

namespace hub::config {
namespace {

// Decodes UTF-8 just far enough to find a CJK unified ideograph.
bool has_chinese_character(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    if (i + length > text.size()) return false;
    char32_t code = length == 1 ? lead : lead & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    if ((code >= 0x3400 && code <= 0x9FFF) || (code >= 0x20000 && code <= 0x2FFFF)) return true;
    i += length;
  }
  return false;
}

}  // namespace

std::optional<std::string> read_id(const YamlNode& node) {
  auto id = node.string();
  if (id && !is_id(*id)) {
    node.error("'" + *id + "' is not a valid id (expected " + kIdRule + ")");
    return std::nullopt;
  }
  return id;
}

std::string read_declared_id(const YamlMap& map, const std::string& field, SymbolKind kind, LoadContext& ctx) {
  const auto node = map.get(field);
  if (!node) return {};
  const auto id = read_id(*node);
  if (!id) return {};
  ctx.symbols.declare(kind, *id, node->where(), node->key(), ctx.diag);
  return *id;
}

std::string read_reference(const YamlNode& node, SymbolKind kind, LoadContext& ctx) {
  const auto id = read_id(node);
  if (!id) return {};
  ctx.symbols.refer(kind, *id, node.where(), node.key());
  return *id;
}

std::string read_reference(const YamlMap& map, const std::string& field, SymbolKind kind, LoadContext& ctx) {
  const auto node = map.get(field);
  return node ? read_reference(*node, kind, ctx) : std::string();
}

std::optional<Limit> read_limit(const YamlMap& map, const std::string& field, LoadContext& ctx) {
  const auto node = map.get(field);
  if (!node) return std::nullopt;
  const auto text = node->string();
  if (!text) return std::nullopt;
  auto limit = parse_limit(*text);
  if (!limit.ok()) {
    node->error(limit.status().message());
    return std::nullopt;
  }
  if (limit->kind == Limit::Kind::kWorkingDays) ctx.working_day_limits.push_back({node->where(), node->key(), *text});
  return std::move(limit).value();
}

// A sender or receiver is a unit id, or a prefix pattern such as "pm.*"
// (every unit whose id starts with "pm.").
bool read_unit_or_prefix(const YamlNode& node, std::vector<std::string>& ids, std::vector<std::string>& prefixes,
                         LoadContext& ctx) {
  const auto text = node.string();
  if (!text) return false;
  if (text->size() > 1 && text->back() == '*') {
    prefixes.push_back(text->substr(0, text->size() - 1));
    return true;
  }
  ids.push_back(read_reference(node, SymbolKind::kUnit, ctx));
  return false;
}

std::string read_display_name(const YamlMap& map, const std::string& field) {
  const auto node = map.get(field);
  if (!node) return {};
  const auto name = node->string();
  if (!name) return {};
  if (name->empty()) {
    node->error("empty name (expected the Chinese display name)");
  } else if (!has_chinese_character(*name)) {
    node->warning("'" + *name + "' has no Chinese character; staff see this name (expected e.g. 旗住房和城乡建设局)");
  }
  return *name;
}

std::string absolute_from_folder(const std::string& folder, const std::string& path) {
  std::error_code ec;
  const std::filesystem::path base = std::filesystem::absolute(folder.empty() ? "." : folder, ec);
  return (base / path).lexically_normal().string();
}

std::string absolute_from_file(const std::string& file, const std::string& path) {
  return absolute_from_folder(std::filesystem::path(file).parent_path().string(), path);
}

UnitQuotaOverride read_quota(const YamlNode& node) {
  UnitQuotaOverride quota;
  const auto map = node.map({"messages_per_second", "burst_messages", "bytes_per_second", "burst_bytes"});
  if (!map) return quota;
  constexpr std::int64_t kMostMessagesPerSecond = 10'000'000;
  constexpr std::int64_t kMostBytesPerSecond = std::int64_t{1} << 40;
  auto field = [&](const char* name, std::int64_t max, std::optional<std::int64_t>& out) {
    if (const auto value_node = map->get(name))
      if (const auto value = value_node->integer(1, max)) out = *value;
  };
  field("messages_per_second", kMostMessagesPerSecond, quota.messages_per_second);
  field("burst_messages", kMostMessagesPerSecond, quota.burst_messages);
  field("bytes_per_second", kMostBytesPerSecond, quota.bytes_per_second);
  field("burst_bytes", kMostBytesPerSecond, quota.burst_bytes);
  return quota;
}

}  // namespace hub::config
