#include "generic_plugin.h"

namespace hub::generic {

PluginInfo GenericPlugin::info() const {
  return {"generic", "1.0", "case types whose payload fields are declared in config",
          {{"case_types", SettingType::kMap, nullptr, true,
            "map of case type id to {name, sign_limit, resolve_limit, fields: {field: {type, required}}}"}},
          false};
}

Status GenericPlugin::configure(const Json& settings) {
  types_.clear();
  for (const auto& [id, spec] : settings.at("case_types").items()) {
    if (!spec.is_object() || !spec.contains("name") || !spec["name"].is_string())
      return Status::InvalidArgument("case type " + id + ": a display name ('name') is required");
    TypeEntry entry;
    if (Status s = parse_schema(id, spec, entry.schema); !s.ok()) return s;
    // No outcomes and no reply fields: this plugin does not check replies
    // (no validate_reply), so a final reply may name any outcome, with any body.
    entry.decl = {id, spec["name"].get<std::string>(), spec.value("sign_limit", "1wd"),
                  spec.value("resolve_limit", "7wd"), entry.schema.fields};
    types_.emplace(id, std::move(entry));
  }
  return {};
}

std::vector<CaseTypeDecl> GenericPlugin::case_types() const {
  std::vector<CaseTypeDecl> out;
  for (const auto& [id, entry] : types_) out.push_back(entry.decl);
  return out;
}

Problems GenericPlugin::validate(const CaseView& c) const {
  auto it = types_.find(c.type);
  if (it == types_.end()) return {{"", "case type " + c.type + " is not declared in the generic plugin's settings"}};
  return check_payload(it->second.schema, c.payload);
}

}  // namespace hub::generic
