// Reader of the routes: section (see sections.h).
#include "config/directory.h"
#include "config/sections.h"

namespace hub::config {
namespace {

constexpr std::string_view kRolePrefix = "compound.";

std::vector<std::string> role_targets() {
  std::vector<std::string> names;
  for (std::string_view role : Directory::kUnitRoles) names.push_back(std::string(kRolePrefix) + std::string(role));
  return names;
}

void read_match_ids(const YamlMap& map, const std::string& field, SymbolKind kind, std::vector<std::string>& out,
                    LoadContext& ctx) {
  if (const auto node = map.get(field))
    if (const auto items = node->one_or_list())
      for (const YamlNode& item : *items) out.push_back(read_reference(item, kind, ctx));
}

bool is_json_pointer(const std::string& text) {
  try {
    Json::json_pointer pointer(text);
    return !text.empty();
  } catch (const Json::exception&) {
    return false;
  }
}

// fields: {"/json/pointer": value | [values]}
void read_field_predicates(const YamlNode& node, std::vector<FieldPredicate>& out) {
  const auto map = node.any_map();
  if (!map) return;
  for (const YamlEntry& entry : map->entries()) {
    if (!is_json_pointer(entry.name)) {
      node.diagnostics().error(entry.name_where, entry.value.key(),
                               "expected a JSON pointer into the payload, starting with '/', e.g. \"/category\"");
      continue;
    }
    const Json value = entry.value.json();
    FieldPredicate predicate{entry.name, value.is_array() ? value.get<std::vector<Json>>() : std::vector<Json>{value}};
    if (predicate.any_of.empty()) entry.value.error("expected at least one value to compare with");
    for (const Json& candidate : predicate.any_of)
      if (candidate.is_structured())
        entry.value.error("expected a value or a list of values (strings, numbers, booleans) to compare with, "
                          "found a nested " + std::string(candidate.is_array() ? "list" : "map"));
    out.push_back(std::move(predicate));
  }
}

void read_match(const YamlNode& node, RouteMatch& match, LoadContext& ctx) {
  const auto map = node.map({"type", "origin", "compound", "zone", "subdistrict", "fields"});
  if (!map) return;
  read_match_ids(*map, "type", SymbolKind::kCaseType, match.types, ctx);
  read_match_ids(*map, "origin", SymbolKind::kUnit, match.origins, ctx);
  read_match_ids(*map, "compound", SymbolKind::kCompound, match.compounds, ctx);
  read_match_ids(*map, "zone", SymbolKind::kZone, match.zones, ctx);
  read_match_ids(*map, "subdistrict", SymbolKind::kSubdistrict, match.subdistricts, ctx);
  if (const auto fields = map->get("fields")) read_field_predicates(*fields, match.fields);
}

// Returns how many targets are written, valid or not (a malformed value counts as one).
std::size_t read_targets(const YamlMap& map, const std::string& field, std::vector<Target>& out, LoadContext& ctx) {
  const auto node = map.get(field);
  if (!node) return 0;
  const auto items = node->one_or_list();
  if (!items) return 1;
  for (const YamlNode& item : *items)
    if (auto target = read_target(item, ctx)) out.push_back(std::move(*target));
  return items->size();
}

void read_route(const YamlNode& node, LoadContext& ctx) {
  Route route;
  route.where = node.where();
  const auto map = node.map({"id", "match", "to", "cc"}, {"id"});
  if (map) {
    route.id = read_declared_id(*map, "id", SymbolKind::kRoute, ctx);
    if (const auto match = map->get("match")) read_match(*match, route.match, ctx);
    const std::size_t receivers = read_targets(*map, "to", route.to, ctx) + read_targets(*map, "cc", route.cc, ctx);
    if (receivers == 0)
      node.error("route has no receivers (expected 'to', 'cc' or both, each a unit id or compound.<role>)");
  }
  ctx.deployment.routes.push_back(std::move(route));
}

}  // namespace

// A unit id, or "compound.<role>" resolved through the directory at routing time.
std::optional<Target> read_target(const YamlNode& node, LoadContext& ctx) {
  const auto text = node.string();
  if (!text) return std::nullopt;
  if (!text->starts_with(kRolePrefix)) return Target{Target::Kind::kUnit, read_reference(node, SymbolKind::kUnit, ctx)};
  const std::string role = text->substr(kRolePrefix.size());
  for (std::string_view known : Directory::kUnitRoles)
    if (role == known) return Target{Target::Kind::kRole, role};
  const std::vector<std::string> known = role_targets();
  node.error("unknown role '" + *text + "'" + did_you_mean(*text, known) + "; expected a unit id or one of " +
             join(known));
  return std::nullopt;
}

void read_routes(const YamlNode& node, LoadContext& ctx) {
  for_each_item(node, [&](const YamlNode& item) { read_route(item, ctx); });
}

}  // namespace hub::config
