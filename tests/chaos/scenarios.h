// tests/chaos/scenarios.h: what hub_chaos can do to a hub. Each prints what it
// injected, how often, the cases at risk, what was lost (must be 0), the
// duplicates and the time to recover, and returns the process exit code
// (0: no case lost, no promise broken).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chaos_hub.h"

namespace hub::chaos {

struct KillOptions {
  int kills = 5;
  std::uint64_t seed = 0;
  double min_gap_s = 1.0, max_gap_s = 3.0;  // load between a restart and the next kill
};
int run_kill_under_load(const ChaosHubOptions& hub, const KillOptions& options);

struct OutageOptions {
  int outages = 2;         // alternately a fast shutdown and a crash of PostgreSQL
  double seconds = 3;      // each outage
  int rate = 1000;         // cases/s offered throughout
  std::uint64_t seed = 0;  // printed with the verdict
};
int run_database_outage(const ChaosHubOptions& hub, const OutageOptions& options);

struct AbsentOptions {
  std::vector<std::int64_t> waiting = {0, 250000, 500000, 1000000};
  double max_growth_mb = 0;  // > 0: fail when RSS grows more from the first non-zero level to the last
  int probe_rate = 200;      // cases/s to the online receiver while measuring
  double probe_seconds = 3;
};
int run_absent_receiver(const ChaosHubOptions& hub, const AbsentOptions& options);

struct HubsOptions {
  int hubs = 3;            // hubds on one database
  int rate = 0;            // cases/s offered; 0: saturation
  std::uint64_t seed = 0;  // draws which hub dies and when
  double min_before_kill_s = 2, max_before_kill_s = 4;  // load before the kill
  double after_kill_s = 5;                               // load after it, on the survivors
};
int run_several_hubs(const ChaosHubOptions& hub, const HubsOptions& options);

}  // namespace hub::chaos
