#include "bus/directory_refresh.h"

#include <spdlog/spdlog.h>

#include "store/directory_overrides.h"

namespace hub::bus {

Status DirectoryRefresher::refresh(store::PgConnection& db) {
  std::lock_guard lock(mu_);
  auto fingerprint = store::directory_fingerprint(db, clock_.now());
  if (!fingerprint.ok()) return fingerprint.status();
  if (*fingerprint == applied_) return {};
  return apply_locked(*catalog_.get(), db, std::move(fingerprint).value());
}

Status DirectoryRefresher::install(std::shared_ptr<const catalog::Catalog> next, store::PgConnection& db) {
  std::lock_guard lock(mu_);
  auto fingerprint = store::directory_fingerprint(db, clock_.now());
  if (!fingerprint.ok()) return fingerprint.status();
  return apply_locked(*next, db, std::move(fingerprint).value());
}

Status DirectoryRefresher::apply_locked(const catalog::Catalog& base, store::PgConnection& db, std::string fingerprint) {
  auto changes = store::effective_directory_changes(db, clock_.now());
  if (!changes.ok()) return changes.status();
  auto directory = std::make_shared<Directory>(base.deployment());
  for (const auto& c : *changes)
    if (Status s = directory->apply_override(c.compound, c.field, c.unit); !s.ok())
      spdlog::warn("directory: a stored change of {}.{} is ignored: {}", c.compound, c.field, s.message());
  catalog_.set(base.with_directory(std::move(directory)));
  if (!changes->empty()) spdlog::info("directory: {} dated change(s) in effect", changes->size());
  applied_ = std::move(fingerprint);
  return {};
}

}  // namespace hub::bus
