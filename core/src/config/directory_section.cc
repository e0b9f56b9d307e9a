// Reader of the directory: section (see sections.h).
#include "config/sections.h"

namespace hub::config {
namespace {

void read_zone(const YamlNode& node, LoadContext& ctx) {
  Zone zone;
  const auto map = node.map({"id", "name", "subdistrict", "cgj", "group"}, {"id", "name", "subdistrict", "cgj"});
  if (map) {
    zone.id = read_declared_id(*map, "id", SymbolKind::kZone, ctx);
    zone.name = read_display_name(*map, "name");
    zone.subdistrict = read_reference(*map, "subdistrict", SymbolKind::kUnit, ctx);
    zone.cgj = read_reference(*map, "cgj", SymbolKind::kUnit, ctx);
    zone.group = read_reference(*map, "group", SymbolKind::kUnit, ctx);
    if (!zone.subdistrict.empty()) ctx.symbols.declare_shared(SymbolKind::kSubdistrict, zone.subdistrict, node.where());
  }
  ctx.deployment.zones.push_back(std::move(zone));
}

void read_community(const YamlNode& node, LoadContext& ctx) {
  Community community;
  const auto map = node.map({"id", "name", "zone"}, {"id", "name", "zone"});
  if (map) {
    community.id = read_declared_id(*map, "id", SymbolKind::kCommunity, ctx);
    if (!community.id.empty()) read_reference(*map, "id", SymbolKind::kUnit, ctx);  // a community is a unit too
    community.name = read_display_name(*map, "name");
    community.zone = read_reference(*map, "zone", SymbolKind::kZone, ctx);
  }
  ctx.deployment.communities.push_back(std::move(community));
}

void read_compound(const YamlNode& node, LoadContext& ctx) {
  Compound compound;
  const auto map = node.map({"id", "name", "community", "company", "custodian", "class", "team", "committee"},
                            {"id", "name", "community", "class"});
  if (map) {
    compound.id = read_declared_id(*map, "id", SymbolKind::kCompound, ctx);
    compound.name = read_display_name(*map, "name");
    compound.community = read_reference(*map, "community", SymbolKind::kCommunity, ctx);
    compound.company = read_reference(*map, "company", SymbolKind::kUnit, ctx);
    compound.custodian = read_reference(*map, "custodian", SymbolKind::kUnit, ctx);
    compound.team = read_reference(*map, "team", SymbolKind::kUnit, ctx);
    compound.committee = read_reference(*map, "committee", SymbolKind::kUnit, ctx);
    if (const auto klass = map->get("class")) {
      const auto text = klass->string();
      if (text && (*text == "A" || *text == "B" || *text == "C"))
        compound.klass = *text;
      else if (text)
        klass->error("unknown class '" + *text + "' (expected A, B or C)");
    }
    if (!compound.company.empty() && !compound.custodian.empty())
      map->get("custodian")->warning("the compound has a company, which serves it; custody applies only "
                                     "when there is none");
  }
  ctx.deployment.compounds.push_back(std::move(compound));
}

}  // namespace

void read_directory(const YamlNode& node, LoadContext& ctx) {
  const auto map = node.map({"zones", "communities", "compounds"});
  if (!map) return;
  if (const auto zones = map->get("zones"))
    for_each_item(*zones, [&](const YamlNode& item) { read_zone(item, ctx); });
  if (const auto communities = map->get("communities"))
    for_each_item(*communities, [&](const YamlNode& item) { read_community(item, ctx); });
  if (const auto compounds = map->get("compounds"))
    for_each_item(*compounds, [&](const YamlNode& item) { read_compound(item, ctx); });
}

}  // namespace hub::config
