// bench/growth.h: `hub_bench --growth`: how throughput, latency and the
// store's work per case change as one dimension of the deployment grows
// (routing rules, compounds in the directory, connected units, stored
// history). See bench/README.md, "Cost growth".
//
// For each level of a dimension: a fresh database (history: migrated and
// preloaded first), a deployment of the level (bench/growth_deployment.h), a
// fresh hubd (its start time measured), every unit connected
// (bench/growth_fleet.h), then two phases on the same hubd:
//   1. a fixed load (--growth-rate, default 1,000 cases/s): e2e p50/p99, and
//      per case accepted in the window the SQL statements, the rows they
//      returned or changed, the shared buffers they touched
//      (pg_stat_statements), the rows PostgreSQL read or wrote
//      (pg_stat_database) and the transactions committed;
//   2. saturation (2,048 sends in flight): accepted/s (answers) and acked/s
//      (deliveries whose ack committed in the window, from the store).
// Every accepted case must name the plan's receiver, every promised delivery
// arrive, and every delivery be acked in the store after the drain.
#pragma once

#include <atomic>

#include "options.h"

namespace hub::bench {

// Exit status as hub_bench's: 0 all levels ran and passed, 1 a check
// failed, 2 usage, 130 interrupted.
int run_growth(const BenchOptions& options, const std::atomic<bool>& interrupted);

}  // namespace hub::bench
