#include "bus/directory_refresh.h"

#include <spdlog/spdlog.h>

#include "store/directory_overrides.h"

namespace hub::bus {

Status DirectoryRefresher::refresh(store::PgConnection& db) {
  std::lock_guard lock(mu_);
  const TimePoint now = clock_.now();
  auto fingerprint = store::directory_fingerprint(db, now);
  if (!fingerprint.ok()) return fingerprint.status();
  if (*fingerprint == applied_) return {};
  auto changes = store::effective_directory_changes(db, now);
  if (!changes.ok()) return changes.status();
  const auto current = catalog_.get();
  auto directory = std::make_shared<Directory>(current->deployment());
  for (const auto& c : *changes)
    if (Status s = directory->apply_override(c.compound, c.field, c.unit); !s.ok())
      spdlog::warn("directory: a stored change of {}.{} is ignored: {}", c.compound, c.field, s.message());
  catalog_.set(current->with_directory(std::move(directory)));
  if (!changes->empty()) spdlog::info("directory: {} dated change(s) in effect", changes->size());
  applied_ = std::move(fingerprint).value();
  return {};
}

void DirectoryRefresher::invalidate() {
  std::lock_guard lock(mu_);
  applied_.clear();
}

}  // namespace hub::bus
