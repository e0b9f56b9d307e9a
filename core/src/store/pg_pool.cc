#include "store/pg_pool.h"

namespace hub::store {

PgPool::PgPool(std::string conninfo, std::size_t size, std::chrono::milliseconds wait, std::string session_sql)
    : conninfo_(std::move(conninfo)), session_sql_(std::move(session_sql)), size_(size == 0 ? 1 : size), wait_(wait) {}

Result<PgPool::Lease> PgPool::acquire() {
  std::unique_lock lock(mu_);
  if (!returned_.wait_for(lock, wait_, [&] { return !idle_.empty() || lent_or_connecting_ + idle_.size() < size_; }))
    return Status::Unavailable("all " + std::to_string(size_) + " database connections stayed busy for " +
                               std::to_string(wait_.count()) + " ms");
  ++lent_or_connecting_;
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(conn));
  }
  lock.unlock();  // connecting takes time: others may take idle connections meanwhile
  auto made = PgConnection::connect(conninfo_);
  Status ready = made.status();
  if (ready.ok() && !session_sql_.empty()) ready = made->exec(session_sql_).status();
  if (!ready.ok()) {
    give_back(nullptr);
    return ready;
  }
  return Lease(this, std::make_unique<PgConnection>(std::move(made.value())));
}

void PgPool::give_back(std::unique_ptr<PgConnection> conn) {
  {
    std::lock_guard lock(mu_);
    --lent_or_connecting_;
    if (conn && conn->ok()) idle_.push_back(std::move(conn));
  }
  returned_.notify_one();
}

PgPool::Lease::~Lease() {
  if (pool_) pool_->give_back(std::move(conn_));
}

Status PgPool::Lease::check(Status s) {
  if (s.code() == StatusCode::kUnavailable) broken();
  return s;
}

}  // namespace hub::store
