// store/db_link.h: a worker thread's connection to PostgreSQL that comes back
// by itself.
//
// get() returns the connection, connecting first when there is none; while the
// database is unreachable it retries at most once per second and logs the
// outage once (and its end). After an Unavailable error the owner calls
// drop(). One thread at a time.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "store/pg.h"

namespace hub::store {

class DbLink {
 public:
  DbLink(std::string conninfo, std::string purpose) : conninfo_(std::move(conninfo)), purpose_(std::move(purpose)) {}

  // Null while the database is unreachable.
  PgConnection* get();
  void drop();
  // Drops the connection when `s` says the database is unreachable. Returns s.
  Status check(Status s);

 private:
  const std::string conninfo_;
  const std::string purpose_;
  std::optional<PgConnection> conn_;
  std::chrono::steady_clock::time_point next_try_{};
  bool outage_logged_ = false;
};

}  // namespace hub::store
