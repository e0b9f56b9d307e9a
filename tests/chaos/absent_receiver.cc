// An absent receiver: cases pile up for a unit that never connects. Measures
// hubd's memory (VmRSS) at each level of waiting cases and the latency of a
// steady stream to another, online receiver at that level.
#include <algorithm>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "load.h"
#include "metrics.h"
#include "scenarios.h"

namespace hub::chaos {
namespace {

constexpr const char* kAbsent = "bench.r01";

double percentile_ms(std::vector<std::int64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::max(1.0, std::ceil(p / 100.0 * static_cast<double>(v.size()))));
  return static_cast<double>(v[rank - 1]) / 1e6;
}

struct Level {
  std::int64_t waiting = 0;
  double fill_rate = 0;  // cases/s while filling up to this level
  double rss_mb = 0;
  double p50_ms = 0, p99_ms = 0;
  std::int64_t probe_cases = 0, busy = 0;
  bool probe_drained = false;
};

Result<std::int64_t> waiting_for_absent(const ChaosHub& hub) {
  auto n = hub.query(std::string("SELECT count(*) FROM deliveries WHERE state = 'pending' AND receiver = '") + kAbsent +
                     "'");
  if (!n.ok()) return n.status();
  return std::stoll(*n);
}

// Sends `count` cases to the absent receiver at saturation; the rate.
Result<double> fill(ChaosHub& hub, std::int64_t count, std::int64_t& busy) {
  if (count <= 0) return 0.0;
  LoadOptions o;
  o.mode = bench::Mode::kAbsent;
  o.senders = {0, 1, 2, 3, 4, 5, 6};
  o.receivers = {};
  o.budget = count;
  o.journals = false;
  o.tag = "fill" + std::to_string(bench::steady_ns());
  Load load(hub, o);
  if (Status s = load.start(); !s.ok()) return s;
  const std::int64_t t0 = bench::steady_ns();
  if (!load.drain(std::chrono::seconds(60), false))
    return Status::Unavailable("filling did not finish in time");
  const double rate = static_cast<double>(count) / (static_cast<double>(bench::steady_ns() - t0) / 1e9);
  busy += load.control().retry_answers.load();
  load.stop();
  return rate;
}

// hubd's VmRSS, the highest of a few samples over `seconds`.
double rss_mb(pid_t hubd, double seconds) {
  double mb = 0;
  const std::int64_t end = bench::steady_ns() + static_cast<std::int64_t>(seconds * 1e9);
  do {
    mb = std::max(mb, bench::sample_proc(hubd, 0).hubd_rss_mb);
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  } while (bench::steady_ns() < end);
  return mb;
}

// `n`: the probe's number, which makes its references new.
Status probe(ChaosHub& hub, const AbsentOptions& options, int n, Level& level) {
  LoadOptions o;
  o.mode = bench::Mode::kAbsent;
  o.senders = {bench::kUnits - 1};  // routed to bench.r02
  o.receivers = {1};
  o.rate = options.probe_rate;
  o.journals = false;
  o.tag = "probe" + std::to_string(n);
  Load load(hub, o);
  if (Status s = load.start(); !s.ok()) return s;
  level.rss_mb = rss_mb(hub.hubd_pid(), options.probe_seconds);
  load.stop_sending();
  level.probe_drained = load.drain(std::chrono::seconds(30));
  load.stop();
  const auto latencies = load.latencies_ns();
  level.probe_cases = static_cast<std::int64_t>(latencies.size());
  level.p50_ms = percentile_ms(latencies, 50);
  level.p99_ms = percentile_ms(latencies, 99);
  return {};
}

}  // namespace

int run_absent_receiver(const ChaosHubOptions& hub_options, const AbsentOptions& options) {
  std::cout << fmt::format("absent receiver: cases wait for {} (never connects) while {} cases/s go to bench.r02\n",
                           kAbsent, options.probe_rate)
            << std::flush;
  ChaosHubOptions o = hub_options;
  o.mode = bench::Mode::kAbsent;
  auto hub = ChaosHub::start(o);
  if (!hub.ok()) return setup_failed(hub.status());
  ChaosHub& h = **hub;
  std::cout << fmt::format("{:>10} {:>12} {:>12} {:>12} {:>12} {:>8}\n", "waiting", "hubd RSS MB", "probe p50 ms",
                           "probe p99 ms", "fill case/s", "busy");
  std::vector<Level> levels;
  bool ok = true;
  for (const std::int64_t target : options.waiting) {
    Level level;
    auto now = waiting_for_absent(h);
    if (!now.ok()) return std::cout << now.status().message() << "\n", 2;
    auto rate = fill(h, target - *now, level.busy);
    if (!rate.ok()) {
      std::cout << "FAILED: " << rate.status().message() << "\n";
      return 1;
    }
    level.fill_rate = *rate;
    auto waiting = waiting_for_absent(h);
    if (!waiting.ok()) return std::cout << waiting.status().message() << "\n", 2;
    level.waiting = *waiting;
    if (Status s = probe(h, options, static_cast<int>(levels.size()), level); !s.ok()) {
      std::cout << "FAILED: probe: " << s.message() << "\n";
      return 1;
    }
    std::cout << fmt::format("{:>10} {:>12.1f} {:>12.1f} {:>12.1f} {:>12.0f} {:>8}\n", level.waiting, level.rss_mb,
                             level.p50_ms, level.p99_ms, level.fill_rate, level.busy)
              << std::flush;
    if (!level.probe_drained || level.probe_cases == 0) {
      std::cout << "FAILED: the online receiver did not get every probe case\n";
      ok = false;
    }
    levels.push_back(level);
  }
  const auto first = std::find_if(levels.begin(), levels.end(), [](const Level& l) { return l.waiting > 0; });
  if (options.max_growth_mb > 0 && first != levels.end()) {
    const double growth = levels.back().rss_mb - first->rss_mb;
    std::cout << fmt::format("memory growth from {} to {} waiting: {:.1f} MB (limit {:.1f} MB)\n", first->waiting,
                             levels.back().waiting, growth, options.max_growth_mb);
    if (growth > options.max_growth_mb) ok = false;
  }
  const int exit_status = h.stop_hubd();
  if (exit_status != 0) {
    std::cout << "FAILED: hubd exited with status " << exit_status << " on SIGTERM\n";
    ok = false;
  }
  std::cout << (ok ? "PASSED" : "FAILED") << "\n";
  return ok ? 0 : 1;
}

}  // namespace hub::chaos
