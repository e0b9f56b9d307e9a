// store/pg.h: small RAII layer over libpq, used by the whole store.
//
// Contracts
//  * Nothing here throws; every failure is a Status.
//  * SQL text is never built from input: values travel as text parameters
//    ($1, $2, ...) through exec_params / exec_prepared.
//  * Error mapping (see to_status in pg.cc):
//      - connection failures, a broken connection, SQLSTATE class 08 and
//        57P0x (admin/crash shutdown, cannot connect now, ...) -> kUnavailable,
//        with a message saying the database is unreachable and the hub retries;
//      - class 40 (serialization failure, deadlock) -> kBusy: the same work
//        succeeds when tried again;
//      - class 53 (disk full, out of memory, too many connections) -> kUnavailable;
//      - 23505 unique_violation -> kConflict;
//      - anything else -> kInternal carrying "SQLSTATE xxxxx: primary message".
//
// Thread-safety: a PgConnection (and a Transaction on it) must be used by one
// thread at a time; distinct connections may be used from distinct threads
// (libpq is built thread-safe). PgResult is an immutable value once returned
// and may be read from several threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <libpq-fe.h>

#include "util/result.h"

namespace hub::store {

// Parameters for exec_params / exec_prepared: std::nullopt is SQL NULL.
// Values are sent as text; they must not contain a NUL byte.
using PgParams = std::vector<std::optional<std::string>>;

// The rows of one successful command. Move-only; owns the PGresult.
class PgResult {
 public:
  PgResult() = default;  // empty: zero rows, zero columns
  explicit PgResult(PGresult* raw) : raw_(raw) {}

  int rows() const;
  int cols() const;
  // Index of the named column, or -1.
  int column(const std::string& name) const;
  // REQUIRES: 0 <= row < rows(), 0 <= col < cols(). NULL reads as "".
  // The view stays valid as long as this PgResult lives.
  std::string_view get(int row, int col) const;
  bool is_null(int row, int col) const;
  // The value as a base-10 integer; an error when NULL or not an integer.
  Result<std::int64_t> get_int64(int row, int col) const;
  // Rows touched by INSERT/UPDATE/DELETE/...; 0 when not applicable.
  std::int64_t affected_rows() const;

  PGresult* native_handle() const { return raw_.get(); }

 private:
  struct Clear {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  std::unique_ptr<PGresult, Clear> raw_;
};

// One libpq connection. Move-only; closes on destruction.
class PgConnection {
 public:
  // Connects (blocking). Client encoding is set to UTF8.
  // Errors: kUnavailable (server unreachable, refused, unknown database, ...).
  static Result<PgConnection> connect(const std::string& conninfo);

  PgConnection(PgConnection&&) noexcept = default;
  PgConnection& operator=(PgConnection&&) noexcept = default;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection() = default;

  // Runs SQL text without parameters (it may hold several statements; the
  // result of the last one is returned). For constant SQL only.
  Result<PgResult> exec(const std::string& sql);
  // Runs one statement with text parameters $1..$n.
  Result<PgResult> exec_params(const std::string& sql, const PgParams& params);

  // Runs one statement whose last parameter is raw bytes (a bytea, NUL bytes
  // allowed, sent in binary); the others are text as for exec_params.
  Result<PgResult> exec_with_bytes(const std::string& sql, const PgParams& params, std::string_view bytes);
  // exec_params, with every column of the result in PostgreSQL's binary form
  // (a bytea as its raw bytes): for statements selecting bytea columns only.
  Result<PgResult> exec_binary_results(const std::string& sql, const PgParams& params);

  // Prepares a named statement on this connection. The statement is
  // remembered and prepared again by a successful reset().
  Status prepare(const std::string& name, const std::string& sql, int nparams);
  Result<PgResult> exec_prepared(const std::string& name, const PgParams& params);
  // exec_params for a statement run again and again: prepared on this
  // connection at its first use, so later runs skip parsing and may reuse a
  // plan. Only for statements whose best plan does not depend on the
  // parameters or on the tables' sizes (PostgreSQL switches a prepared
  // statement to a generic plan after five runs): inserts from array or JSON
  // parameters are; a join whose best plan changes as a table grows is not.
  Result<PgResult> exec_reused(const std::string& sql, const PgParams& params);

  // Runs `COPY ... FROM STDIN` (text format) with `rows` as its data: the
  // cheapest way to write many rows that need no RETURNING (CopyRows builds
  // the data). Nothing is written unless all of it is.
  Status copy_in(const std::string& copy_sql, std::string_view rows);

  // True while libpq considers the connection usable.
  bool ok() const;
  // Reconnects with the original parameters and re-prepares the remembered
  // statements. Errors: kUnavailable (still unreachable), or the error of a
  // statement that no longer prepares.
  Status reset();

  // "name" quoted as an SQL identifier (for DDL such as CREATE DATABASE,
  // where parameters are not allowed).
  Result<std::string> quote_identifier(std::string_view name) const;

  PGconn* native_handle() const { return conn_.get(); }

 private:
  struct Finish {
    void operator()(PGconn* c) const { PQfinish(c); }
  };
  struct Prepared {
    std::string sql;
    int nparams = 0;
  };

  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  // Turns a PGresult (possibly null) into a PgResult or a Status.
  Result<PgResult> finish(PGresult* raw);

  std::unique_ptr<PGconn, Finish> conn_;
  std::map<std::string, Prepared> prepared_;
  std::map<std::string, std::string> reused_;  // SQL → name of its prepared statement
};

// A transaction on one connection: BEGIN on begin(), ROLLBACK on destruction
// unless commit() or rollback() ran. Move-only; must not outlive its
// connection; same threading rule as the connection.
class Transaction {
 public:
  enum class Isolation { kReadCommitted, kRepeatableRead, kSerializable };

  static Result<Transaction> begin(PgConnection& conn, Isolation isolation = Isolation::kReadCommitted);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&& other) noexcept;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // Commits. After any result the transaction is finished. A transaction in
  // which a statement failed is rolled back by the server: kConflict.
  // kUnavailable means the outcome is unknown (connection lost at COMMIT).
  Status commit();
  // Rolls back now (the destructor would do the same, silently).
  Status rollback();
  bool active() const { return conn_ != nullptr; }
  PgConnection& connection() { return *conn_; }

 private:
  explicit Transaction(PgConnection* conn) : conn_(conn) {}
  PgConnection* conn_ = nullptr;  // null once finished
};

}  // namespace hub::store
