// Readers of the units: and case_types: sections (see sections.h).
#include <algorithm>

#include "config/sections.h"
#include "keys/key_file.h"
#include "util/time_parse.h"

namespace hub::config {
namespace {

// A CURVE public key written inline (`public_key`) or read from a file named
// relative to the declaring file (`public_key_file`). Returns nullopt when the
// map names neither (`*named` false) or has a problem (reported, `*named` true).
std::optional<std::string> read_public_key(const YamlMap& map, bool& named) {
  const auto inline_key = map.get("public_key");
  const auto key_file = map.get("public_key_file");
  named = inline_key || key_file;
  if (inline_key && key_file) {
    key_file->error("give either public_key or public_key_file, not both");
    return std::nullopt;
  }
  if (inline_key) {
    const auto key = inline_key->string();
    if (key && keys::is_z85_key(*key)) return key;
    if (key)
      inline_key->error("expected a CURVE public key: 40 characters of Z85, as in the .pub file "
                        "that 'hubctl keygen' writes");
    return std::nullopt;
  }
  if (!key_file) return std::nullopt;
  const auto path = key_file->string();
  if (!path) return std::nullopt;
  const auto pair = keys::read(absolute_from_file(key_file->where().file, *path));
  if (!pair.ok()) {
    key_file->error(pair.status().message());
    return std::nullopt;
  }
  if (!pair->secret_key.empty())
    key_file->warning("this file holds the unit's secret key too; give the hub only the .pub file");
  return pair->public_key;
}

// Where the key of `map` is written (public_key or public_key_file).
UnitKeyPlace key_place(const YamlMap& map, const YamlNode& fallback, bool previous, std::size_t unit) {
  auto node = map.get("public_key");
  if (!node) node = map.get("public_key_file");
  const YamlNode& at = node ? *node : fallback;
  return {unit, previous, at.where(), at.key()};
}

// The unit's key: inline or from a file; with neither, looked up later in keys_dir.
void read_unit_key(const YamlMap& map, const YamlNode& unit_node, Unit& unit, LoadContext& ctx) {
  bool named = false;
  const std::size_t index = ctx.deployment.units.size();
  if (auto key = read_public_key(map, named)) {
    unit.public_key = std::move(*key);
    ctx.unit_key_places.push_back(key_place(map, unit_node, false, index));
  }
  if (!named) ctx.units_without_key.push_back({index, unit_node.key()});
}

// previous_key: {public_key | public_key_file, valid_until}: the key a rotation
// replaces, still valid for the unit until valid_until (a time with an offset).
void read_previous_key(const YamlNode& node, Unit& unit, LoadContext& ctx) {
  const auto map = node.map({"public_key", "public_key_file", "valid_until"}, {"valid_until"});
  if (!map) return;
  PreviousKey previous;
  previous.where = node.where();
  bool named = false;
  auto key = read_public_key(*map, named);
  if (!named)
    node.error("expected the old key as public_key or public_key_file (the .pub file the unit used until now)");
  const auto until_node = map->get("valid_until");
  const auto until_text = until_node ? until_node->string() : std::nullopt;
  const auto until = until_text ? parse_iso8601(*until_text) : std::nullopt;
  if (until_text && !until)
    until_node->error("expected the end of the grace period as a time with its offset, e.g. "
                      "\"2026-12-03T18:00:00+08:00\"");
  if (!key || !until) return;
  previous.public_key = std::move(*key);
  previous.valid_until = *until;
  previous.valid_until_text = *until_text;
  unit.previous_key = std::move(previous);
  ctx.unit_key_places.push_back(key_place(*map, node, true, ctx.deployment.units.size()));
}

// `adapter:` is one name or a list of names, each an adapter of hub.yaml, none twice.
void read_unit_adapters(const YamlNode& node, Unit& unit, LoadContext& ctx) {
  const auto names = node.one_or_list();
  if (!names) return;
  if (names->empty()) node.error("names no adapter: name at least one adapter of hub.yaml");
  for (const YamlNode& name : *names) {
    std::string id = read_reference(name, SymbolKind::kAdapter, ctx);
    if (id.empty()) continue;
    if (std::find(unit.adapters.begin(), unit.adapters.end(), id) != unit.adapters.end()) {
      name.error("adapter '" + id + "' is named twice: name each adapter once");
      continue;
    }
    unit.adapters.push_back(std::move(id));
  }
}

void read_unit(const YamlNode& node, LoadContext& ctx) {
  Unit unit;
  unit.where = node.where();
  const auto map = node.map(
      {"id", "name", "adapter", "public_key", "public_key_file", "previous_key", "may_send", "quota"},
                            {"id", "name", "adapter"});
  if (map) {
    unit.id = read_declared_id(*map, "id", SymbolKind::kUnit, ctx);
    unit.name = read_display_name(*map, "name");
    if (const auto adapters = map->get("adapter")) read_unit_adapters(*adapters, unit, ctx);
    if (const auto may_send = map->get("may_send"))
      for_each_item(*may_send, [&](const YamlNode& type) {
        unit.may_send.push_back(read_reference(type, SymbolKind::kCaseType, ctx));
      });
    read_unit_key(*map, node, unit, ctx);
    if (const auto previous = map->get("previous_key")) read_previous_key(*previous, unit, ctx);
    if (const auto quota = map->get("quota")) unit.quota = read_quota(*quota);
  }
  ctx.deployment.units.push_back(std::move(unit));
}

void read_case_type(const YamlNode& node, LoadContext& ctx) {
  CaseType type;
  type.where = node.where();
  const auto map =
      node.map({"id", "name", "plugin", "sign_limit", "resolve_limit", "senders"}, {"id", "plugin"});
  if (map) {
    type.id = read_declared_id(*map, "id", SymbolKind::kCaseType, ctx);
    if (map->get("name")) type.name = read_display_name(*map, "name");
    type.plugin = read_reference(*map, "plugin", SymbolKind::kPlugin, ctx);
    type.sign_limit = read_limit(*map, "sign_limit", ctx);
    type.resolve_limit = read_limit(*map, "resolve_limit", ctx);
    if (const auto senders = map->get("senders"))
      for_each_item(*senders, [&](const YamlNode& sender) {
        read_unit_or_prefix(sender, type.senders, type.sender_patterns, ctx);
      });
  }
  ctx.deployment.case_types.push_back(std::move(type));
}

}  // namespace

void read_units(const YamlNode& node, LoadContext& ctx) {
  for_each_item(node, [&](const YamlNode& item) { read_unit(item, ctx); });
}

void read_case_types(const YamlNode& node, LoadContext& ctx) {
  for_each_item(node, [&](const YamlNode& item) { read_case_type(item, ctx); });
}

}  // namespace hub::config
