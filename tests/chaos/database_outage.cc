// Database outage: stop PostgreSQL under traffic (a fast shutdown, then a
// crash), start it again, and check that the hub answered "unavailable,
// retry" meanwhile, came back by itself and lost nothing.
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "load.h"
#include "scenarios.h"
#include "settle.h"

namespace hub::chaos {
int run_database_outage(const ChaosHubOptions& hub_options, const OutageOptions& options) {
  std::cout << fmt::format("database outage: {} outages of {:.1f} s under {} cases/s\n", options.outages,
                           options.seconds, options.rate)
            << std::flush;
  auto hub = ChaosHub::start(hub_options);
  if (!hub.ok()) return setup_failed(hub.status());
  ChaosHub& h = **hub;
  LoadOptions load_options;
  load_options.rate = options.rate;
  Load load(h, load_options);
  if (Status s = load.start(); !s.ok()) return setup_failed(s);
  auto& control = load.control();
  bool ok = true;
  for (int k = 1; k <= options.outages; ++k) {
    if (!h.run_for(2.0)) break;
    const bool crash = k % 2 == 0;
    const std::int64_t retries_before = control.retry_answers.load();
    const std::int64_t at_risk = control.outstanding_total.load();
    const std::int64_t down_at = bench::steady_ns();
    if (Status s = crash ? h.crash_database() : h.stop_database(); !s.ok()) {
      std::cout << "FAILED: cannot stop PostgreSQL: " << s.message() << "\n";
      return 2;
    }
    const double stopped_in = seconds_since(down_at);
    if (!h.run_for(options.seconds)) break;
    const std::int64_t retries = control.retry_answers.load() - retries_before;
    const std::int64_t accepted_before = control.accepted_total.load();
    const std::int64_t up_at = bench::steady_ns();
    if (Status s = h.start_database(); !s.ok()) {
      std::cout << "FAILED: PostgreSQL does not start again: " << s.message() << "\n";
      return 2;
    }
    const double started_in = seconds_since(up_at);
    while (control.accepted_total.load() == accepted_before && seconds_since(up_at) < 60)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const double recovered = seconds_since(up_at);
    std::cout << fmt::format("outage {} ({}): {} sends unanswered when it began, server gone in {:.2f} s; {} "
                             "'retry' answers during {:.1f} s; server back in {:.2f} s, hub accepting again {:.2f} s "
                             "after the restart began\n",
                             k, crash ? "PostgreSQL killed with SIGKILL" : "PostgreSQL fast shutdown", at_risk,
                             stopped_in, retries, options.seconds, started_in, recovered)
              << std::flush;
    if (retries == 0) {
      std::cout << "FAILED: no sender was told 'unavailable, retry' while the database was down\n";
      ok = false;
    }
  }
  if (!h.hubd_alive()) {
    std::cout << "FAILED: hubd died during the outage; its log ends with:\n" << h.hubd_log_tail() << "\n";
    return 1;
  }
  if (!h.run_for(2.0)) return 1;
  const Settled settled = settle_and_check(h, load, options.seed, std::chrono::seconds(60));
  ok = ok && settled.ok();
  // What the senders were told: while the database was away, "unavailable" (retry).
  const auto codes = load.error_codes();
  std::string told;
  for (const auto& [code, n] : codes) told += fmt::format(" {}={}", code, n);
  std::cout << "answers other than accepted:" << (told.empty() ? " none" : told) << "\n";
  if (!codes.count("unavailable")) {
    std::cout << "FAILED: no sender was answered with the code 'unavailable'\n";
    ok = false;
  }
  std::cout << (ok ? "PASSED" : "FAILED") << "\n";
  return ok ? 0 : 1;
}

}  // namespace hub::chaos
