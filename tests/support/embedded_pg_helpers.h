// tests/support/embedded_pg_helpers.h: starting an embedded PostgreSQL and
// reading from it in tests; each helper FAILs the current Catch2 test with the
// reason instead of returning an error.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "store/embedded_postgres.h"
#include "store/pg.h"

namespace hub::test {

// An embedded PostgreSQL with its data under `dir`.
inline std::unique_ptr<store::EmbeddedPostgres> start_embedded_in(const std::string& dir) {
  store::EmbeddedPostgresOptions options;
  options.data_dir = dir;
  auto pg = store::EmbeddedPostgres::start(options);
  INFO(pg.status().to_string());
  REQUIRE(pg.ok());
  return std::move(pg).value();
}

inline store::PgConnection connect_to(const std::string& conninfo) {
  auto conn = store::PgConnection::connect(conninfo);
  INFO(conn.status().to_string());
  REQUIRE(conn.ok());
  return std::move(conn).value();
}

// The single value `sql` returns.
inline std::string single_value(store::PgConnection& conn, const std::string& sql) {
  auto r = conn.exec(sql);
  INFO(sql << ": " << r.status().to_string());
  REQUIRE(r.ok());
  REQUIRE(r->rows() == 1);
  return std::string(r->get(0, 0));
}

}  // namespace hub::test
