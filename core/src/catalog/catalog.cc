#include "catalog/catalog.h"

#include <algorithm>

#include "config/loader.h"
#include "protocol/attachments.h"

namespace hub::catalog {
namespace {

// The calendar and lifecycle sections with the case types' limits. Every
// working-day limit needs the calendar.
Result<std::shared_ptr<const lifecycle::Policy>> build_lifecycle(const config::Deployment& d,
                                                                  const std::vector<const CaseTypeEntry*>& types) {
  std::shared_ptr<const lifecycle::Calendar> calendar;
  if (d.calendar) {
    auto built = lifecycle::Calendar::build(*d.calendar);
    if (!built.ok()) return Status::InvalidArgument("calendar: " + built.status().message());
    calendar = std::make_shared<const lifecycle::Calendar>(std::move(built.value()));
  }
  std::unordered_map<std::string, lifecycle::Limits> limits;
  std::string problems;
  for (const CaseTypeEntry* t : types) {
    limits[t->id] = {t->sign_limit, t->resolve_limit};
    for (const auto* limit : {&t->sign_limit, &t->resolve_limit})
      if (!calendar && limit->kind == config::Limit::Kind::kWorkingDays)
        problems += "\n  - case type " + t->id + " has a limit of " + limit->text +
                    ", which counts working days: add a calendar section (see config/calendar.yaml)";
  }
  if (!problems.empty()) return Status::InvalidArgument("the config has no working-day calendar:" + problems);
  std::unordered_set<std::string> units;
  for (const auto& u : d.units) units.insert(u.id);
  return std::make_shared<const lifecycle::Policy>(std::move(calendar), d.lifecycle.value_or(config::LifecycleConfig{}),
                                                   std::move(limits), std::move(units));
}

}  // namespace

Result<std::shared_ptr<const Catalog>> Catalog::build(const config::Deployment& deployment,
                                                      const plugin_host::PluginSet& plugins) {
  std::shared_ptr<Catalog> c(new Catalog());
  c->deployment_ = deployment;
  for (const auto& u : c->deployment_.units) {
    UnitEntry& e = c->units_[u.id];
    e.unit = &u;
    e.may_send.insert(u.may_send.begin(), u.may_send.end());
    if (!u.public_key.empty()) c->unit_by_key_[u.public_key] = {u.id, std::nullopt};
    // The loader refuses a key given twice, so a previous key never hides a current one.
    if (u.previous_key) c->unit_by_key_.try_emplace(u.previous_key->public_key, KeyOwner{u.id, u.previous_key->valid_until});
  }
  std::string problems;
  for (const auto& t : c->deployment_.case_types) {
    const auto* decl = plugins.case_type(t.plugin, t.id);
    if (decl == nullptr) {
      problems += "\n  - " + t.where.file + ":" + std::to_string(t.where.line) + ": case type " + t.id +
                  " names plugin " + t.plugin + ", which does not declare it (declared: " +
                  plugins.declared_types(t.plugin) + ")";
      continue;
    }
    CaseTypeEntry e{t.id, t.name.empty() ? decl->display_name : t.name, t.plugin, plugins.plugin(t.plugin), plugins.has_hooks(t.plugin), false, {}, {}};
    auto sign = t.sign_limit ? Result<config::Limit>(*t.sign_limit) : config::parse_limit(decl->sign_limit);
    auto resolve = t.resolve_limit ? Result<config::Limit>(*t.resolve_limit) : config::parse_limit(decl->resolve_limit);
    if (!sign.ok() || !resolve.ok()) {
      problems += "\n  - plugin " + t.plugin + " declares an invalid limit for " + t.id + ": " +
                  (sign.ok() ? resolve.status().message() : sign.status().message());
      continue;
    }
    e.enriched = decl->enriched;
    if (e.enriched && !e.hooks) {
      problems += "\n  - plugin " + t.plugin + " declares " + t.id +
                  " enriched but has no hooks (info().has_hooks): its deliveries would never be sent";
      continue;
    }
    e.sign_limit = *sign;
    e.resolve_limit = *resolve;
    e.attachments = decl->attachments;
    for (const auto& media_type : e.attachments.media_types)
      if (!protocol::is_known_media_type(media_type))
        problems += "\n  - plugin " + t.plugin + " lets " + t.id + " carry files of type " + media_type +
                    ", which the hub does not recognise (docs/PROTOCOL.md, \"Attachments\", lists those it does)";
    if (e.attachments.max_files < 0 || e.attachments.max_file_bytes <= 0)
      problems += "\n  - plugin " + t.plugin + " declares a negative file count or no file size for " + t.id;
    if (e.attachments.max_files > 0)
      c->largest_attachment_bytes_ = std::max(c->largest_attachment_bytes_, e.attachments.max_file_bytes);
    c->case_types_.emplace(t.id, std::move(e));
  }
  if (!problems.empty()) return Status::InvalidArgument("the config does not fit the plugins:" + problems);
  std::vector<const CaseTypeEntry*> types;
  for (const auto& [id, entry] : c->case_types_) types.push_back(&entry);
  auto lifecycle = build_lifecycle(c->deployment_, types);
  if (!lifecycle.ok()) return lifecycle.status();
  c->lifecycle_ = std::move(lifecycle.value());
  c->router_ = std::make_shared<const router::Router>(c->deployment_.routes);
  c->directory_ = std::make_shared<const Directory>(c->deployment_);
  return std::shared_ptr<const Catalog>(std::move(c));
}

std::shared_ptr<const Catalog> Catalog::with_directory(std::shared_ptr<const Directory> directory) const {
  std::shared_ptr<Catalog> c(new Catalog(*this));
  for (auto& [id, entry] : c->units_) entry.unit = nullptr;
  for (const auto& u : c->deployment_.units) c->units_[u.id].unit = &u;  // point into the copy's deployment
  c->directory_ = std::move(directory);
  return c;
}

const UnitEntry* Catalog::unit(const std::string& id) const {
  auto it = units_.find(id);
  return it == units_.end() ? nullptr : &it->second;
}

std::string Catalog::unit_for_key(std::string_view key, TimePoint now) const {
  auto it = unit_by_key_.find(std::string(key));
  if (it == unit_by_key_.end()) return {};
  if (it->second.valid_until && now >= *it->second.valid_until) return {};
  return it->second.unit;
}

const CaseTypeEntry* Catalog::case_type(const std::string& id) const {
  auto it = case_types_.find(id);
  return it == case_types_.end() ? nullptr : &it->second;
}

std::string Catalog::case_type_name(const std::string& id) const {
  const auto* t = case_type(id);
  return t ? t->name : std::string();
}

}  // namespace hub::catalog
