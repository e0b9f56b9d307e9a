// store/pg_pool.h: a small bounded pool of connections, for work that arrives
// on many threads at once (the adapters' threads checking credentials).
//
// At most `size` connections, made on demand; each runs `session_sql` (e.g.
// "SET synchronous_commit = off"; empty: nothing) once made. acquire() lends one connection
// to one caller until its Lease ends: it waits (up to `wait`) while all are
// lent, so concurrent callers never share a connection. A lease whose user
// saw the database unreachable calls broken(): that connection is closed, not
// returned, and the next caller connects anew (a server restarted behind the
// pool costs each stale connection one failed statement, then heals).
//
// Errors of acquire(): kUnavailable when connecting fails, or when no
// connection came free within `wait` (the message says which).
// Thread-safety: acquire() may be called from any thread; a Lease is used by
// one thread. The pool must outlive its leases.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/pg.h"

namespace hub::store {

class PgPool {
 public:
  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(std::move(other.conn_)) { other.pool_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();
    PgConnection& operator*() { return *conn_; }
    PgConnection* operator->() { return conn_.get(); }
    // The connection is closed instead of returned (the database went away under it).
    void broken() { conn_.reset(); }
    // broken() when `s` says the database is unreachable. Returns s.
    Status check(Status s);

   private:
    friend class PgPool;
    Lease(PgPool* pool, std::unique_ptr<PgConnection> conn) : pool_(pool), conn_(std::move(conn)) {}
    PgPool* pool_;
    std::unique_ptr<PgConnection> conn_;
  };

  PgPool(std::string conninfo, std::size_t size, std::chrono::milliseconds wait, std::string session_sql = {});
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  Result<Lease> acquire();

 private:
  void give_back(std::unique_ptr<PgConnection> conn);

  const std::string conninfo_;
  const std::string session_sql_;
  const std::size_t size_;
  const std::chrono::milliseconds wait_;
  std::mutex mu_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  std::size_t lent_or_connecting_ = 0;  // connections out of idle_: lent, or being made
};

}  // namespace hub::store
