#include "store/db_link.h"

#include <spdlog/spdlog.h>

namespace hub::store {

PgConnection* DbLink::get() {
  if (conn_ && conn_->ok()) return &*conn_;
  conn_.reset();
  const auto now = std::chrono::steady_clock::now();
  if (now < next_try_) return nullptr;
  auto c = PgConnection::connect(conninfo_);
  if (!c.ok()) {
    next_try_ = now + std::chrono::seconds(1);
    if (!outage_logged_)
      spdlog::error("{}: database unreachable ({}); new cases are answered 'unavailable, retry' and nothing is "
                    "lost; retrying every second", purpose_, c.status().message());
    outage_logged_ = true;
    return nullptr;
  }
  if (outage_logged_) spdlog::info("{}: database reachable again", purpose_);
  outage_logged_ = false;
  conn_.emplace(std::move(c.value()));
  return &*conn_;
}

void DbLink::drop() {
  conn_.reset();
  next_try_ = std::chrono::steady_clock::now();
}

Status DbLink::check(Status s) {
  if (s.code() == StatusCode::kUnavailable) drop();
  return s;
}

}  // namespace hub::store
