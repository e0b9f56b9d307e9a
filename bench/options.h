// bench/options.h: hub_bench's command line.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace hub::bench {

// kAbsent (tests/chaos only): senders 1..7 → bench.r01, sender 8 → bench.r02.
enum class Mode { kSingle, kFanout, kAbsent };

const char* mode_name(Mode mode);

// --fairness (bench/README.md, "Fairness"): seven quiet senders (bench.s02..s08)
// send kQuietRate cases/s each while bench.s01 is idle (kQuiet) or floods the
// hub without waiting for answers (kFlood). The hub keeps its default quotas.
enum class Fairness { kOff, kQuiet, kFlood };
inline constexpr int kQuietRate = 100;  // cases/s of each quiet sender

// How the bench's units reach the hub: ZeroMQ with CURVE (docs/PROTOCOL.md),
// or the HTTPS unit API with signed requests and webhooks (docs/ADAPTERS.md).
enum class Transport { kZmq, kHttp };

// One measured run: a routing mode at an offered load (0 = saturation).
struct Scenario {
  Mode mode = Mode::kSingle;
  int rate = 0;  // cases/s across all senders; 0: saturation (bounded window)
  int hubs = 1;  // hubds sharing the database, the units spread over them (bench/hubd_group.h)
  Fairness fairness = Fairness::kOff;  // kOff: rate and mode say everything
  Transport transport = Transport::kZmq;

  // e.g. "single@1000", "fanout@sat", "fanout@sat/3h" (3 hubs), "single@sat/http"
  std::string name() const;
};

struct BenchOptions {
  double seconds = 10;        // measured window per scenario
  double warmup_seconds = 2;  // load before the window opens
  double drain_seconds = 60;  // bound on waiting for outstanding answers/deliveries
  double resend_seconds = 10; // a send unanswered this long is sent again (same reference)
  // 0: a "retry" error (busy, unavailable) ends that send and is counted, as
  // the bench measures; > 0: the same reference is sent again after this
  // many ms, as a real unit's system does (tests/chaos).
  int retry_after_ms = 0;
  int window = 256;           // unanswered sends per sender at saturation
  int paced_cap = 4096;       // unanswered sends per sender at a fixed rate (slots beyond are skipped)
  int payload_bytes = 1000;   // length of the payload's "body" string
  // --transport http: keep-alive HTTPS connections of each sender, one
  // request in flight on each (the window at saturation is this).
  int connections = 8;
  // --transport http: cases per request (POST /v1/case-batches when > 1) and
  // messages per webhook push at most (the webhooks' `batch`).
  int batch = 1;
  int senders = 8;
  int receivers = 8;
  bool quick = false;
  std::vector<Scenario> scenarios;
  std::string database;       // libpq conninfo; empty: a private embedded PostgreSQL
  std::string hubd;           // the hubd binary
  std::string module_dir;     // plugin/adapter modules
  std::string hub_log_level = "info";
  std::string json_file;      // write results here too
  // --growth (bench/growth.h): dimensions ("rules", "compounds", "units",
  // "history", comma-separated, or "all"); empty: the throughput tables.
  std::string growth;
  std::string growth_levels;  // levels of the one dimension given; empty: its defaults
  int growth_rate = 1000;     // the fixed load of the latency and cost columns, cases/s
  int growth_threads = 2;     // load threads driving the units
  bool fairness = false;      // --fairness: the two fairness scenarios instead of the table's
  int flood_rate = 5000;      // --flood-rate: messages/s of the flooding sender; 0: as fast as its connection takes
  bool keep = false;          // keep the temp folder (and hubd logs) for inspection
  bool verbose = false;
};

// Parses argv. Prints help or errors itself; returns nullopt with `exit_code`
// set when the bench should exit at once (0 after --help, 2 on a usage error).
std::optional<BenchOptions> parse_options(int argc, char** argv, int& exit_code);

}  // namespace hub::bench
