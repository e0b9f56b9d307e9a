// catalog/catalog_holder.h: the current catalog, swappable at reload.
// Thread-safe: readers get a snapshot that stays valid while they hold it.
#pragma once

#include <memory>
#include <mutex>

#include "catalog/catalog.h"

namespace hub::catalog {

class CatalogHolder {
 public:
  explicit CatalogHolder(std::shared_ptr<const Catalog> c) : current_(std::move(c)) {}
  std::shared_ptr<const Catalog> get() const {
    std::lock_guard lock(mu_);
    return current_;
  }
  void set(std::shared_ptr<const Catalog> c) {
    std::lock_guard lock(mu_);
    current_ = std::move(c);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Catalog> current_;  // GUARDED_BY(mu_)
};

}  // namespace hub::catalog
