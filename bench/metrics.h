// bench/metrics.h: what the bench measures outside the load threads, and how
// results are printed.
//
// ProcSample  CPU seconds of hubd, of the PostgreSQL server (postmaster, its
//             children, and the children it has reaped), of the bench itself and
//             of the whole machine (/proc/stat), plus hubd's RSS and peak RSS.
// DbSample    cluster counters: pg_stat_database.xact_commit of the hub's
//             database, pg_stat_wal.wal_sync / wal_write, and the WAL position.
// WindowDb    what the store says about the measured window: cases created,
//             distinct commit times, deliveries whose ack committed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/pg.h"

namespace hub::bench {

struct ProcSample {
  double hubd_cpu_s = 0;
  double pg_cpu_s = 0;     // 0 when the server is not ours (--database)
  double bench_cpu_s = 0;
  double busy_cpu_s = 0;   // every core, every process (/proc/stat)
  double hubd_rss_mb = 0;  // VmRSS
  double hubd_hwm_mb = 0;  // VmHWM (peak since hubd started)
  double load1 = 0;        // /proc/loadavg
};

ProcSample sample_proc(pid_t hubd, pid_t postmaster);

struct DbSample {
  std::int64_t xact_commit = 0;
  std::int64_t wal_sync = 0;
  std::int64_t wal_write = 0;
  double wal_bytes = 0;  // pg_current_wal_lsn() - '0/0'
};

Result<DbSample> sample_db(store::PgConnection& db);

struct WindowDb {
  std::int64_t cases = 0;                // created_at in the window
  std::int64_t case_commits = 0;         // DISTINCT created_at among them
  std::int64_t commits = 0;              // DISTINCT commit times of cases or acks in the window
  std::int64_t acked_deliveries = 0;     // acked_at in the window
  std::int64_t acked_cases = 0;          // cases whose last delivery's ack committed in the window
  std::int64_t max_batch = 0;            // most cases in one commit
};

// `prefix`: the scenario's references (LIKE prefix%). Times: Unix seconds.
Result<WindowDb> query_window(store::PgConnection& db, const std::string& prefix, double begin_s, double end_s);

// Verification after the drain.
struct StoreCheck {
  std::int64_t cases = 0;        // cases of the scenario
  std::int64_t deliveries = 0;   // their deliveries
  std::int64_t unacked = 0;      // ... not in state 'acked'
  std::int64_t parked = 0;       // ... in state 'parked'
  std::int64_t max_attempts = 0;
};
Result<StoreCheck> check_store(store::PgConnection& db, const std::string& prefix);

// Percentile (0..100) of sorted nanosecond samples, in milliseconds (nearest rank); 0 when empty.
double percentile_ms(const std::vector<std::int64_t>& sorted, double p);

struct ScenarioResult {
  std::string name, mode;
  int rate = 0;  // 0: saturation
  double window_s = 0;
  bool ran = false;  // false when the scenario could not start

  // Client side (answers and deliveries by arrival time in the window).
  std::int64_t sent = 0, accepted = 0, busy = 0, rejected = 0, other_errors = 0, skipped_slots = 0;
  std::int64_t accepted_total = 0, sent_total = 0, busy_total = 0, rejected_total = 0, errors_total = 0;
  std::int64_t resends = 0, unanswered = 0, duplicate_answers = 0, unmatched_answers = 0, parked_answers = 0;
  std::int64_t acks_sent = 0, receiver_errors = 0;
  std::int64_t ack_busy = 0, ack_errors = 0;  // error answers to acks, in the window
  std::map<std::string, std::int64_t> codes;

  // The store, in the window.
  WindowDb db;
  std::int64_t xact_commits = 0, wal_syncs = 0, wal_writes = 0;
  double wal_bytes = 0;

  // Latency.
  std::int64_t latency_samples = 0;
  double e2e_p50_ms = 0, e2e_p99_ms = 0, e2e_p999_ms = 0, e2e_max_ms = 0;
  double accept_p50_ms = 0, accept_p99_ms = 0;

  // The fairness scenarios (options.h, Fairness): the seven quiet senders'
  // cases, and what became of the flooding sender's.
  struct Fairness {
    std::int64_t quiet_samples = 0;
    double quiet_e2e_p50_ms = 0, quiet_e2e_p99_ms = 0, quiet_accept_p99_ms = 0;
    std::int64_t flood_sent = 0, flood_sent_in_window = 0, flood_accepted = 0, flood_dropped = 0, flood_busy = 0, rate_limited_answers = 0;
  } fair;

  // Resources over the window.
  ProcSample begin, end;
  double hubd_peak_rss_mb = 0;  // at the end of the scenario

  // Verification.
  std::int64_t expected_deliveries = 0, delivered = 0, redeliveries = 0, missing = 0, foreign = 0;
  int max_attempt_seen = 0;
  StoreCheck store;
  int hubd_exit = -1;
  double drain_s = 0;
  std::vector<std::string> failures;

  double per_s(double n) const { return window_s > 0 ? n / window_s : 0; }
  double cpu_per_1k(double cpu_s) const { return accepted > 0 ? cpu_s * 1000.0 / static_cast<double>(accepted) : 0; }
};

// Two readable tables (throughput; latency and resources) and the failures.
void print_results(std::ostream& out, const std::vector<ScenarioResult>& results, bool embedded_pg);
nlohmann::json to_json(const ScenarioResult& r);

}  // namespace hub::bench
