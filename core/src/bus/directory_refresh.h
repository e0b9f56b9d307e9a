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

#include "bus/catalog_holder.h"
#include "hub/clock.h"
#include "store/pg.h"

namespace hub::bus {

class DirectoryRefresher {
 public:
  DirectoryRefresher(CatalogHolder& catalog, const Clock& clock) : catalog_(catalog), clock_(clock) {}
  Status refresh(store::PgConnection& db);
  // Forces the next refresh() to rebuild (after a config reload).
  void invalidate();

 private:
  CatalogHolder& catalog_;
  const Clock& clock_;
  std::mutex mu_;
  std::string applied_;  // GUARDED_BY(mu_): fingerprint of the overrides in the current catalog
};

}  // namespace hub::bus
