// Kill under load: SIGKILL hubd at moments drawn from the seed while the
// load generator sends at saturation, restart it, and check the journals.
#include <signal.h>

#include <algorithm>
#include <iostream>
#include <numeric>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "load.h"
#include "scenarios.h"
#include "settle.h"

namespace hub::chaos {
int run_kill_under_load(const ChaosHubOptions& hub_options, const KillOptions& options) {
  std::cout << fmt::format("kill under load: {} SIGKILLs of hubd at saturation, seed={}\n", options.kills, options.seed)
            << std::flush;
  auto hub = ChaosHub::start(hub_options);
  if (!hub.ok()) return setup_failed(hub.status());
  ChaosHub& h = **hub;
  Load load(h, LoadOptions{});
  if (Status s = load.start(); !s.ok()) return setup_failed(s);
  auto& control = load.control();
  std::mt19937_64 random(options.seed);
  std::uniform_real_distribution<double> gap(options.min_gap_s, options.max_gap_s);
  std::vector<double> recoveries;
  for (int k = 1; k <= options.kills; ++k) {
    const double wait = gap(random);
    if (!h.run_for(wait)) {
      std::cout << "FAILED: hubd died by itself; its log ends with:\n" << h.hubd_log_tail() << "\n";
      return 1;
    }
    const std::int64_t at_risk = control.outstanding_total.load();
    const std::int64_t accepted_before = control.accepted_total.load();
    const std::int64_t killed_at = bench::steady_ns();
    h.kill_hubd();
    // Sent (or being sent) but not acknowledged: what the restarted hub must send again.
    auto unacked = h.query("SELECT count(*) FROM deliveries WHERE state = 'pending' AND attempts > 0");
    if (Status s = h.start_hubd(); !s.ok()) {
      std::cout << "FAILED: hubd does not start again after kill " << k << ": " << s.message() << "\n";
      return 1;
    }
    const double ready = seconds_since(killed_at);
    // Recovered: the first case accepted after the restart.
    while (control.accepted_total.load() == accepted_before && seconds_since(killed_at) < 60)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const double recovered = seconds_since(killed_at);
    recoveries.push_back(recovered);
    std::cout << fmt::format("kill {}: after {:.2f} s of load, {} sends unanswered and {} deliveries unacked at the "
                             "kill; hubd ready again in {:.2f} s, accepting again after {:.2f} s\n",
                             k, wait, at_risk, unacked.ok() ? *unacked : "?", ready, recovered)
              << std::flush;
  }
  // A clean stop under the same load: SIGTERM must finish the commits in
  // flight (every case answered "accepted" is stored; the check proves it) and exit 0.
  if (!h.run_for(1.0)) return 1;
  const std::int64_t at_risk = control.outstanding_total.load();
  const std::int64_t term_at = bench::steady_ns();
  const int term_exit = h.stop_hubd();
  const double stopped_in = seconds_since(term_at);
  if (Status s = h.start_hubd(); !s.ok()) {
    std::cout << "FAILED: hubd does not start again after SIGTERM: " << s.message() << "\n";
    return 1;
  }
  std::cout << fmt::format("SIGTERM under load: {} sends unanswered at the signal; hubd exited with status {} in "
                           "{:.2f} s and was ready again {:.2f} s after the signal\n",
                           at_risk, term_exit, stopped_in, seconds_since(term_at))
            << std::flush;
  if (!h.run_for(1.0)) return 1;
  const Settled settled = settle_and_check(h, load, options.seed, std::chrono::seconds(60));
  if (!recoveries.empty())
    std::cout << fmt::format("kills={} recovery: max {:.2f} s, mean {:.2f} s\n", options.kills,
                             *std::max_element(recoveries.begin(), recoveries.end()),
                             std::accumulate(recoveries.begin(), recoveries.end(), 0.0) / recoveries.size());
  const bool ok = settled.ok() && term_exit == 0;
  std::cout << (ok ? "PASSED" : "FAILED") << "\n";
  return ok ? 0 : 1;
}

}  // namespace hub::chaos
