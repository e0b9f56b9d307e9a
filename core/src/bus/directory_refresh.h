// bus/directory_refresh.h: keeps the catalog's directory equal to the config
// files' directory with the stored, effective overrides applied.
//
// refresh() is cheap when nothing changed (one count query); when the set of
// effective overrides differs from the last one applied it builds a new
// Directory and swaps in a catalog that uses it. Called at start, after a hook
// commits a directory change, and periodically (future-dated changes becoming
// effective, changes made by another hub on the same database).
// Thread-safe.
#pragma once

#include <mutex>
#include <string>

#include "catalog/catalog_holder.h"
#include "hub/clock.h"
#include "store/pg.h"

namespace hub::bus {

class DirectoryRefresher {
 public:
  DirectoryRefresher(catalog::CatalogHolder& catalog, const Clock& clock) : catalog_(catalog), clock_(clock) {}
  Status refresh(store::PgConnection& db);
  // Publishes `next` (a reloaded configuration's catalog) with the stored,
  // effective overrides applied to its directory. Serialized with refresh(),
  // so that a refresh never brings back the catalog `next` replaced.
  Status install(std::shared_ptr<const catalog::Catalog> next, store::PgConnection& db);

 private:
  // REQUIRES: mu_ held. Publishes `base` with the overrides applied.
  Status apply_locked(const catalog::Catalog& base, store::PgConnection& db, std::string fingerprint);
  catalog::CatalogHolder& catalog_;
  const Clock& clock_;
  std::mutex mu_;
  std::string applied_;  // GUARDED_BY(mu_): fingerprint of the overrides in the current catalog
};

}  // namespace hub::bus
