// bench/growth_store.h: what `hub_bench --growth` asks PostgreSQL: statement
// and row counters of the scenario database, the preloaded history, and the
// deliveries of a level.
//
// StatementTotals come from pg_stat_statements (the bench's embedded server
// loads it; an external server without it gives "n/a"): statements executed,
// rows they returned or changed, and shared buffers they touched (hit + read),
// in the scenario database, without the bench's own statistics queries.
// TupleTotals come from pg_stat_database (every server): rows read by
// sequential scans, fetched by index scans, inserted, updated and deleted.
// PostgreSQL flushes a busy backend's tuple counters at most once a second:
// over a 10 s window they are right to about 10 %.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "store/pg.h"
#include "util/result.h"

namespace hub::bench {

struct StatementTotals {
  double calls = 0, rows = 0, blocks = 0;
};

struct TupleTotals {
  double returned = 0, fetched = 0, inserted = 0, updated = 0, deleted = 0, xact_commit = 0;
  double touched() const { return returned + fetched + inserted + updated + deleted; }
};

// CREATE EXTENSION pg_stat_statements in the connection's database; false
// when the server does not have the module loaded.
bool enable_statement_stats(store::PgConnection& db);
Status reset_statement_stats(store::PgConnection& db);
Result<StatementTotals> sample_statements(store::PgConnection& db);
// The `top` statements by shared buffers touched since the reset, one per line.
Result<std::string> top_statements(store::PgConnection& db, int top);
Result<TupleTotals> sample_tuples(store::PgConnection& db);

// Writes `cases` closed cases of the history plan (origins bench.s01..s08,
// receivers bench.r01..r08), each with one acked delivery and four routing
// events, spread over the past year, with INSERT ... SELECT generate_series in
// chunks; then VACUUM ANALYZE. The schema must exist (store::migrate).
// `progress` is called after each chunk with the cases written so far.
Status preload_history(store::PgConnection& db, std::int64_t cases, const std::function<void(std::int64_t)>& progress);

Result<std::int64_t> max_delivery_id(store::PgConnection& db);
// Deliveries with id > `after`: how many, how many not acked.
struct DeliveryCount {
  std::int64_t total = 0, unacked = 0;
};
Result<DeliveryCount> count_deliveries(store::PgConnection& db, std::int64_t after);
// Deliveries with id > `after` whose ack committed in [begin_s, end_s) (Unix seconds).
Result<std::int64_t> acked_between(store::PgConnection& db, std::int64_t after, double begin_s, double end_s);
Result<double> database_mb(store::PgConnection& db);

}  // namespace hub::bench
