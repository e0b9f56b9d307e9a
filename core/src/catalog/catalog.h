// catalog/catalog.h: the deployment compiled for the case path.
//
// Built once from a loaded Deployment and the loaded plugins: hash maps for
// units, keys and case types, the compiled router and the compound directory.
// Immutable after build(); safe to read from any thread. A reload builds a new
// Catalog and swaps the pointer.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "config/directory.h"
#include "config/model.h"
#include "lifecycle/policy.h"
#include "plugin_host/plugin_set.h"
#include "router/router.h"

namespace hub::catalog {

struct CaseTypeEntry {
  std::string id;
  std::string name;  // Chinese display name
  std::string plugin;
  Plugin* impl = nullptr;  // owned by the PluginSet, which outlives the catalog
  bool hooks = false;
  bool enriched = false;  // deliveries wait for on_accepted's annex
  config::Limit sign_limit;
  config::Limit resolve_limit;
  AttachmentRule attachments{};  // as the plugin declares it
};

struct UnitEntry {
  const config::Unit* unit = nullptr;
  std::unordered_set<std::string> may_send;
};

class Catalog {
 public:
  // Checks that every configured case type is declared by its plugin.
  static Result<std::shared_ptr<const Catalog>> build(const config::Deployment& deployment,
                                                      const plugin_host::PluginSet& plugins);

  const config::Deployment& deployment() const { return deployment_; }
  const UnitEntry* unit(const std::string& id) const;
  // The unit owning this CURVE public key (Z85) at `now`, or empty: a unit's
  // current key, or its previous_key until that key's valid_until.
  std::string unit_for_key(std::string_view key, TimePoint now) const;
  const CaseTypeEntry* case_type(const std::string& id) const;
  std::string case_type_name(const std::string& id) const;
  // The largest file any case type accepts: what an upload may hold before
  // the case naming it says its type. 0: no case type takes files.
  std::int64_t largest_attachment_bytes() const { return largest_attachment_bytes_; }
  const router::Router& router() const { return *router_; }
  const Directory& directory() const { return *directory_; }
  // Deadlines, calendar, escalation chains (lifecycle/policy.h).
  const lifecycle::Policy& lifecycle() const { return *lifecycle_; }
  // This catalog with another directory (the files' one with the stored
  // overrides applied); everything else is shared or copied.
  std::shared_ptr<const Catalog> with_directory(std::shared_ptr<const Directory> directory) const;

 private:
  Catalog() = default;
  Catalog(const Catalog&) = default;
  config::Deployment deployment_;
  std::unordered_map<std::string, UnitEntry> units_;
  struct KeyOwner {
    std::string unit;
    std::optional<TimePoint> valid_until;  // a previous_key's end; none for a current key
  };
  std::unordered_map<std::string, KeyOwner> unit_by_key_;
  std::unordered_map<std::string, CaseTypeEntry> case_types_;
  std::int64_t largest_attachment_bytes_ = 0;
  std::shared_ptr<const router::Router> router_;
  std::shared_ptr<const Directory> directory_;
  std::shared_ptr<const lifecycle::Policy> lifecycle_;
};

}  // namespace hub::catalog
