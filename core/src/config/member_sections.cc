// Readers of the units: and case_types: sections (see sections.h).
#include "config/sections.h"
#include "keys/key_file.h"

namespace hub::config {
namespace {

// A unit's CURVE public key: written inline, or read from a file named
// relative to the declaring file; with neither, looked up later in keys_dir.
void read_unit_key(const YamlMap& map, const YamlNode& unit_node, Unit& unit, LoadContext& ctx) {
  const auto inline_key = map.get("public_key");
  const auto key_file = map.get("public_key_file");
  if (inline_key && key_file) {
    key_file->error("give either public_key or public_key_file, not both");
    return;
  }
  if (inline_key) {
    if (const auto key = inline_key->string(); key && keys::is_z85_key(*key))
      unit.public_key = *key;
    else if (key)
      inline_key->error("expected a CURVE public key: 40 characters of Z85, as in the .pub file "
                        "that 'hubctl keygen' writes");
    return;
  }
  if (key_file) {
    const auto path = key_file->string();
    if (!path) return;
    const auto pair = keys::read(absolute_from_file(key_file->where().file, *path));
    if (!pair.ok()) {
      key_file->error(pair.status().message());
      return;
    }
    unit.public_key = pair->public_key;
    if (!pair->secret_key.empty())
      key_file->warning("this file holds the unit's secret key too; give the hub only the .pub file");
    return;
  }
  ctx.units_without_key.push_back({ctx.deployment.units.size(), unit_node.key()});
}

void read_unit(const YamlNode& node, LoadContext& ctx) {
  Unit unit;
  unit.where = node.where();
  const auto map = node.map({"id", "name", "adapter", "public_key", "public_key_file", "may_send", "quota"},
                            {"id", "name", "adapter"});
  if (map) {
    unit.id = read_declared_id(*map, "id", SymbolKind::kUnit, ctx);
    unit.name = read_display_name(*map, "name");
    unit.adapter = read_reference(*map, "adapter", SymbolKind::kAdapter, ctx);
    if (const auto may_send = map->get("may_send"))
      for_each_item(*may_send, [&](const YamlNode& type) {
        unit.may_send.push_back(read_reference(type, SymbolKind::kCaseType, ctx));
      });
    read_unit_key(*map, node, unit, ctx);
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
