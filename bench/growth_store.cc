#include "growth_store.h"

#include <algorithm>

#include <fmt/format.h>

namespace hub::bench {
namespace {

// The bench's own statistics queries are left out of the totals.
constexpr const char* kScenarioStatements =
    "FROM pg_stat_statements s WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "AND s.query NOT LIKE '%pg_stat%'";

double number_at(const store::PgResult& r, int col) {
  const std::string text(r.get(0, col));
  return text.empty() ? 0 : std::stod(text);
}

}  // namespace

bool enable_statement_stats(store::PgConnection& db) {
  (void)db.exec("SET client_min_messages = warning");
  if (!db.exec("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").ok()) return false;
  return db.exec("SELECT count(*) FROM pg_stat_statements").ok();  // fails unless the module is preloaded
}

Status reset_statement_stats(store::PgConnection& db) {
  auto r = db.exec("SELECT pg_stat_statements_reset()");
  return r.ok() ? Status{} : r.status();
}

Result<StatementTotals> sample_statements(store::PgConnection& db) {
  auto r = db.exec(std::string("SELECT sum(s.calls), sum(s.rows), sum(s.shared_blks_hit + s.shared_blks_read) ") +
                   kScenarioStatements);
  if (!r.ok()) return r.status();
  return StatementTotals{number_at(*r, 0), number_at(*r, 1), number_at(*r, 2)};
}

Result<std::string> top_statements(store::PgConnection& db, int top) {
  auto r = db.exec(fmt::format("SELECT s.calls, s.rows, s.shared_blks_hit + s.shared_blks_read, "
                               "round(s.total_exec_time::numeric, 1), left(regexp_replace(s.query, '\\s+', ' ', 'g'), 150) "
                               "{} ORDER BY 3 DESC LIMIT {}",
                               kScenarioStatements, top));
  if (!r.ok()) return r.status();
  std::string out;
  for (int i = 0; i < r->rows(); ++i)
    out += fmt::format("    calls {:>7} rows {:>8} blocks {:>9} ms {:>8}  {}\n", r->get(i, 0), r->get(i, 1), r->get(i, 2),
                       r->get(i, 3), r->get(i, 4));
  return out;
}

Result<TupleTotals> sample_tuples(store::PgConnection& db) {
  (void)db.exec("SELECT pg_stat_clear_snapshot()");
  auto r = db.exec(
      "SELECT tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted, xact_commit "
      "FROM pg_stat_database WHERE datname = current_database()");
  if (!r.ok()) return r.status();
  if (r->rows() != 1) return Status::Internal("pg_stat_database has no row for this database");
  return TupleTotals{number_at(*r, 0), number_at(*r, 1), number_at(*r, 2),
                     number_at(*r, 3), number_at(*r, 4), number_at(*r, 5)};
}

Status preload_history(store::PgConnection& db, std::int64_t cases, const std::function<void(std::int64_t)>& progress) {
  if (cases <= 0) return {};
  const std::int64_t chunk = 500'000;
  const std::string n = std::to_string(cases);
  // Case g was created (g / n) of a year ago ... now; sender 1 + g % 8 sent it to receiver 1 + g % 8.
  const std::string created = "(now() - interval '1 day' - ((" + n + " - g) * (31536000.0 / " + n +
                              ")) * interval '1 second')";
  for (std::int64_t from = 1; from <= cases; from += chunk) {
    const std::int64_t to = std::min(cases, from + chunk - 1);
    const std::string series = fmt::format("FROM generate_series({}::bigint, {}::bigint) g", from, to);
    const std::string sql[] = {
        "INSERT INTO cases (id, origin, reference, type, compound, payload, route, created_at) "
        "SELECT g, 'bench.s' || lpad((1 + g % 8)::text, 2, '0'), 'hist-' || g, 'bench.case', '', "
        "jsonb_build_object('body', 'h' || g), 's' || (1 + g % 8), " + created + " " + series,
        "INSERT INTO deliveries (id, case_id, receiver, notice, state, attempts, next_attempt_at, dispatched_at, "
        "acked_at, stage, sign_by, resolve_by, signed_at, resolved_at, resolve_from) "
        "SELECT g, g, 'bench.r' || lpad((1 + g % 8)::text, 2, '0'), false, 'acked', 1, " + created +
            " + interval '5 s', " + created + ", " + created + " + interval '20 ms', 'closed', " + created +
            " + interval '1 day', " + created + " + interval '7 days', " + created + " + interval '1 hour', " +
            created + " + interval '2 days', " + created + " " + series,
        "INSERT INTO events (at, kind, case_id, delivery_id, case_type, from_unit, to_unit, detail) "
        "SELECT " + created + ", k.kind, g, CASE WHEN k.kind = 'accepted' THEN NULL ELSE g END, 'bench.case', "
        "'bench.s' || lpad((1 + g % 8)::text, 2, '0'), 'bench.r' || lpad((1 + g % 8)::text, 2, '0'), '{}' " + series +
            " CROSS JOIN (VALUES ('accepted'), ('routed'), ('acked')) AS k(kind)"};
    for (const auto& statement : sql)
      if (auto r = db.exec(statement); !r.ok()) return Status(r.status().code(), "preloading history: " + r.status().message());
    if (progress) progress(to);
  }
  for (const char* sql : {"SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))",
                          "SELECT setval(pg_get_serial_sequence('deliveries', 'id'), (SELECT max(id) FROM deliveries))",
                          "VACUUM (ANALYZE) cases", "VACUUM (ANALYZE) deliveries", "VACUUM (ANALYZE) events",
                          "CHECKPOINT"})
    if (auto r = db.exec(sql); !r.ok()) return Status(r.status().code(), std::string(sql) + ": " + r.status().message());
  return {};
}

Result<std::int64_t> max_delivery_id(store::PgConnection& db) {
  auto r = db.exec("SELECT coalesce(max(id), 0) FROM deliveries");
  if (!r.ok()) return r.status();
  return r->get_int64(0, 0);
}

Result<DeliveryCount> count_deliveries(store::PgConnection& db, std::int64_t after) {
  auto r = db.exec_params("SELECT count(*), count(*) FILTER (WHERE state <> 'acked') FROM deliveries WHERE id > $1::bigint",
                          {std::to_string(after)});
  if (!r.ok()) return r.status();
  return DeliveryCount{r->get_int64(0, 0).value(), r->get_int64(0, 1).value()};
}

Result<std::int64_t> acked_between(store::PgConnection& db, std::int64_t after, double begin_s, double end_s) {
  auto r = db.exec_params(
      "SELECT count(*) FROM deliveries WHERE id > $1::bigint AND acked_at >= to_timestamp($2::float8) "
      "AND acked_at < to_timestamp($3::float8)",
      {std::to_string(after), fmt::format("{:.6f}", begin_s), fmt::format("{:.6f}", end_s)});
  if (!r.ok()) return r.status();
  return r->get_int64(0, 0);
}

Result<double> database_mb(store::PgConnection& db) {
  auto r = db.exec("SELECT pg_database_size(current_database())");
  if (!r.ok()) return r.status();
  return number_at(*r, 0) / 1048576.0;
}

}  // namespace hub::bench
