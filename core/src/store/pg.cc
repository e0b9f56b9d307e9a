#include "store/pg.h"

#include <algorithm>

#include <charconv>
#include <cstring>
#include <utility>

#include <spdlog/spdlog.h>

namespace hub::store {
namespace {

constexpr const char* kRetryHint = "; is PostgreSQL running and hub.database right?";

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// libpq's message for the connection, on one line.
std::string conn_error(const PGconn* conn) {
  if (conn == nullptr) return "out of memory";
  std::string m = trim(PQerrorMessage(conn));
  for (char& c : m)
    if (c == '\n') c = ' ';
  return m.empty() ? "connection lost" : m;
}

Status unreachable(const std::string& detail) {
  return Status::Unavailable("the database is unreachable (" + detail + ")" + kRetryHint);
}

// Maps a failed result (or a null one) to a Status; see the table in pg.h.
Status to_status(const PGconn* conn, const PGresult* res) {
  if (res == nullptr || PQstatus(conn) == CONNECTION_BAD) {
    if (res != nullptr) {
      const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
      if (primary != nullptr) return unreachable(primary);
    }
    return unreachable(conn_error(conn));
  }
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
  const std::string sqlstate = state != nullptr ? state : "";
  std::string message = primary != nullptr ? primary : trim(PQresultErrorMessage(res));
  if (message.empty()) message = PQresStatus(PQresultStatus(res));

  if (sqlstate.rfind("08", 0) == 0 || sqlstate.rfind("57P0", 0) == 0)
    return unreachable("SQLSTATE " + sqlstate + ": " + message);
  // Transaction rollbacks (serialization failure, deadlock): the same work
  // succeeds when tried again.
  if (sqlstate.rfind("40", 0) == 0) return Status::Busy("SQLSTATE " + sqlstate + ": " + message);
  // Insufficient resources (disk full, out of memory, too many connections).
  if (sqlstate.rfind("53", 0) == 0) return Status::Unavailable("SQLSTATE " + sqlstate + ": " + message);
  if (sqlstate == "23505") {
    const char* detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
    return Status::Conflict(message + (detail != nullptr ? std::string(" (") + detail + ")" : std::string()));
  }
  if (sqlstate.empty()) return Status::Internal(message);
  return Status::Internal("SQLSTATE " + sqlstate + ": " + message);
}

// Pointer array for libpq, pointing into params (which must outlive it).
Result<std::vector<const char*>> param_pointers(const PgParams& params) {
  std::vector<const char*> out;
  out.reserve(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (!params[i]) {
      out.push_back(nullptr);
      continue;
    }
    if (params[i]->find('\0') != std::string::npos)
      return Status::InvalidArgument("SQL parameter $" + std::to_string(i + 1) +
                                     " contains a NUL byte, which text parameters cannot carry");
    out.push_back(params[i]->c_str());
  }
  return out;
}

}  // namespace

// ---- PgResult ----

int PgResult::rows() const { return raw_ ? PQntuples(raw_.get()) : 0; }
int PgResult::cols() const { return raw_ ? PQnfields(raw_.get()) : 0; }

int PgResult::column(const std::string& name) const {
  if (!raw_) return -1;
  // PQfnumber folds unquoted names to lower case; quote to match exactly.
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return PQfnumber(raw_.get(), quoted.c_str());
}

std::string_view PgResult::get(int row, int col) const {
  if (!raw_ || row < 0 || row >= rows() || col < 0 || col >= cols()) return {};
  const char* v = PQgetvalue(raw_.get(), row, col);
  if (v == nullptr) return {};
  return {v, static_cast<std::size_t>(PQgetlength(raw_.get(), row, col))};
}

bool PgResult::is_null(int row, int col) const {
  if (!raw_ || row < 0 || row >= rows() || col < 0 || col >= cols()) return true;
  return PQgetisnull(raw_.get(), row, col) != 0;
}

Result<std::int64_t> PgResult::get_int64(int row, int col) const {
  if (is_null(row, col))
    return Status::Internal("column " + std::to_string(col) + " of row " + std::to_string(row) +
                            " is NULL or out of range where an integer was expected");
  const std::string_view s = get(row, col);
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size())
    return Status::Internal("column " + std::to_string(col) + " of row " + std::to_string(row) + " holds '" +
                            std::string(s) + "' where an integer was expected");
  return v;
}

std::int64_t PgResult::affected_rows() const {
  if (!raw_) return 0;
  const char* n = PQcmdTuples(raw_.get());
  std::int64_t v = 0;
  if (n == nullptr || *n == '\0') return 0;
  (void)std::from_chars(n, n + std::strlen(n), v);
  return v;
}

// ---- PgConnection ----

Result<PgConnection> PgConnection::connect(const std::string& conninfo) {
  PgConnection c(PQconnectdb(conninfo.c_str()));
  if (!c.conn_) return unreachable("out of memory");
  if (PQstatus(c.conn_.get()) != CONNECTION_OK) return unreachable(conn_error(c.conn_.get()));
  if (PQsetClientEncoding(c.conn_.get(), "UTF8") != 0)
    return Status::Internal("cannot set the client encoding to UTF8: " + conn_error(c.conn_.get()));
  // Server notices ("relation ... already exists, skipping") are not for operators.
  PQsetNoticeProcessor(c.conn_.get(), [](void*, const char*) {}, nullptr);
  return c;
}

Result<PgResult> PgConnection::finish(PGresult* raw) {
  PgResult res(raw);
  if (raw != nullptr) {
    switch (PQresultStatus(raw)) {
      case PGRES_COMMAND_OK:
      case PGRES_TUPLES_OK:
      case PGRES_EMPTY_QUERY:
        return res;
      case PGRES_COPY_IN:
      case PGRES_COPY_OUT:
      case PGRES_COPY_BOTH:
        return Status::Internal("COPY is not supported through PgConnection::exec");
      default:
        break;
    }
  }
  return to_status(conn_.get(), raw);
}

Result<PgResult> PgConnection::exec(const std::string& sql) {
  if (!conn_) return unreachable("no connection");
  return finish(PQexec(conn_.get(), sql.c_str()));
}

Result<PgResult> PgConnection::exec_params(const std::string& sql, const PgParams& params) {
  if (!conn_) return unreachable("no connection");
  auto ptrs = param_pointers(params);
  if (!ptrs.ok()) return ptrs.status();
  return finish(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(params.size()), nullptr, ptrs->data(),
                             nullptr, nullptr, 0));
}

Result<PgResult> PgConnection::exec_with_bytes(const std::string& sql, const PgParams& params, std::string_view bytes) {
  if (!conn_) return unreachable("no connection");
  auto ptrs = param_pointers(params);
  if (!ptrs.ok()) return ptrs.status();
  std::vector<const char*> values = std::move(ptrs.value());
  std::vector<int> lengths(values.size(), 0), formats(values.size(), 0);
  values.push_back(bytes.data());
  lengths.push_back(static_cast<int>(bytes.size()));
  formats.push_back(1);
  return finish(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                             lengths.data(), formats.data(), 0));
}

Result<PgResult> PgConnection::exec_binary_results(const std::string& sql, const PgParams& params) {
  if (!conn_) return unreachable("no connection");
  auto ptrs = param_pointers(params);
  if (!ptrs.ok()) return ptrs.status();
  return finish(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(params.size()), nullptr, ptrs->data(),
                             nullptr, nullptr, 1));
}

Status PgConnection::prepare(const std::string& name, const std::string& sql, int nparams) {
  if (!conn_) return unreachable("no connection");
  auto r = finish(PQprepare(conn_.get(), name.c_str(), sql.c_str(), nparams, nullptr));
  if (!r.ok()) return r.status();
  prepared_[name] = Prepared{sql, nparams};
  return {};
}

Result<PgResult> PgConnection::exec_prepared(const std::string& name, const PgParams& params) {
  if (!conn_) return unreachable("no connection");
  auto ptrs = param_pointers(params);
  if (!ptrs.ok()) return ptrs.status();
  return finish(PQexecPrepared(conn_.get(), name.c_str(), static_cast<int>(params.size()), ptrs->data(), nullptr,
                               nullptr, 0));
}

Status PgConnection::copy_in(const std::string& copy_sql, std::string_view rows) {
  if (!conn_) return unreachable("no connection");
  PGconn* c = conn_.get();
  PgResult started(PQexec(c, copy_sql.c_str()));
  if (PQresultStatus(started.native_handle()) != PGRES_COPY_IN) {
    if (PQresultStatus(started.native_handle()) == PGRES_COMMAND_OK)
      return Status::Internal("not a COPY FROM STDIN statement: " + copy_sql);
    return to_status(c, started.native_handle());
  }
  constexpr std::size_t kChunk = 1 << 20;
  const char* failed = nullptr;
  for (std::size_t at = 0; at < rows.size() && failed == nullptr; at += kChunk) {
    const std::size_t n = std::min(kChunk, rows.size() - at);
    if (PQputCopyData(c, rows.data() + at, static_cast<int>(n)) != 1) failed = "sending COPY data failed";
  }
  if (PQputCopyEnd(c, failed) != 1) return unreachable(conn_error(c));
  // The COPY's own result, then nothing.
  Result<PgResult> result = finish(PQgetResult(c));
  while (PGresult* more = PQgetResult(c)) PQclear(more);
  if (!result.ok()) return result.status();
  if (failed != nullptr) return unreachable(failed);
  return {};
}

Result<PgResult> PgConnection::exec_reused(const std::string& sql, const PgParams& params) {
  auto known = reused_.find(sql);
  if (known == reused_.end()) {
    const std::string name = "reused_" + std::to_string(reused_.size() + 1);
    if (Status s = prepare(name, sql, static_cast<int>(params.size())); !s.ok()) return s;
    known = reused_.emplace(sql, name).first;
  }
  return exec_prepared(known->second, params);
}

bool PgConnection::ok() const { return conn_ && PQstatus(conn_.get()) == CONNECTION_OK; }

Status PgConnection::reset() {
  if (!conn_) return unreachable("no connection");
  PQreset(conn_.get());
  if (PQstatus(conn_.get()) != CONNECTION_OK) return unreachable(conn_error(conn_.get()));
  if (PQsetClientEncoding(conn_.get(), "UTF8") != 0)
    return Status::Internal("cannot set the client encoding to UTF8: " + conn_error(conn_.get()));
  for (const auto& [name, p] : prepared_) {
    auto r = finish(PQprepare(conn_.get(), name.c_str(), p.sql.c_str(), p.nparams, nullptr));
    if (!r.ok()) return r.status();
  }
  return {};
}

Result<std::string> PgConnection::quote_identifier(std::string_view name) const {
  if (!conn_) return unreachable("no connection");
  char* q = PQescapeIdentifier(conn_.get(), name.data(), name.size());
  if (q == nullptr) return Status::InvalidArgument("cannot quote identifier: " + conn_error(conn_.get()));
  std::string out(q);
  PQfreemem(q);
  return out;
}

// ---- Transaction ----

Result<Transaction> Transaction::begin(PgConnection& conn, Isolation isolation) {
  const char* sql = "BEGIN";
  switch (isolation) {
    case Isolation::kReadCommitted: sql = "BEGIN ISOLATION LEVEL READ COMMITTED"; break;
    case Isolation::kRepeatableRead: sql = "BEGIN ISOLATION LEVEL REPEATABLE READ"; break;
    case Isolation::kSerializable: sql = "BEGIN ISOLATION LEVEL SERIALIZABLE"; break;
  }
  auto r = conn.exec(sql);
  if (!r.ok()) return r.status();
  return Transaction(&conn);
}

Transaction::Transaction(Transaction&& other) noexcept : conn_(std::exchange(other.conn_, nullptr)) {}

Transaction& Transaction::operator=(Transaction&& other) noexcept {
  if (this != &other) {
    if (conn_ != nullptr) (void)rollback();
    conn_ = std::exchange(other.conn_, nullptr);
  }
  return *this;
}

Transaction::~Transaction() {
  if (conn_ == nullptr) return;
  const Status s = rollback();
  // A lost connection rolls back on the server anyway; only log.
  if (!s.ok()) spdlog::debug("transaction rollback on scope exit failed: {}", s.to_string());
}

Status Transaction::commit() {
  if (conn_ == nullptr) return Status::Conflict("the transaction is already finished");
  PgConnection* conn = std::exchange(conn_, nullptr);
  auto r = conn->exec("COMMIT");
  if (!r.ok()) return r.status();
  // COMMIT of a transaction in which a statement failed answers "ROLLBACK".
  const char* tag = PQcmdStatus(r->native_handle());
  if (tag != nullptr && std::strcmp(tag, "ROLLBACK") == 0)
    return Status::Conflict("the transaction was rolled back because an earlier statement in it failed");
  return {};
}

Status Transaction::rollback() {
  if (conn_ == nullptr) return {};
  PgConnection* conn = std::exchange(conn_, nullptr);
  auto r = conn->exec("ROLLBACK");
  return r.status();
}

}  // namespace hub::store
