#include "fairness.h"

#include <algorithm>

#include <fmt/format.h>

namespace hub::bench {

bool print_fairness_verdict(std::ostream& out, const std::vector<ScenarioResult>& results) {
  const auto find = [&](const char* name) -> const ScenarioResult* {
    const auto it = std::find_if(results.begin(), results.end(), [&](const ScenarioResult& r) { return r.name == name; });
    return it != results.end() && it->ran ? &*it : nullptr;
  };
  const ScenarioResult* quiet = find("fair/quiet");
  const ScenarioResult* flood = find("fair/flood");
  out << "\nFairness: seven units at 100 cases/s each; in fair/flood an eighth floods the hub without waiting for answers\n";
  if (quiet == nullptr || flood == nullptr) {
    out << "  verdict: not reached (a scenario did not run)\n";
    return false;
  }
  const auto& q = quiet->fair;
  const auto& f = flood->fair;
  out << fmt::format("  quiet units, without the flood: e2e p50 {:.1f} ms, p99 {:.1f} ms, accept p99 {:.1f} ms ({} cases)\n",
                     q.quiet_e2e_p50_ms, q.quiet_e2e_p99_ms, q.quiet_accept_p99_ms, q.quiet_samples);
  out << fmt::format("  quiet units, with the flood:    e2e p50 {:.1f} ms, p99 {:.1f} ms, accept p99 {:.1f} ms ({} cases)\n",
                     f.quiet_e2e_p50_ms, f.quiet_e2e_p99_ms, f.quiet_accept_p99_ms, f.quiet_samples);
  const double window = flood->window_s > 0 ? flood->window_s : 1;
  out << fmt::format(
      "  the flooding unit, over the whole run: {} sends ({:.0f}/s in the window), {} accepted (its burst, then its "
      "quota), {} dropped unread, {} busy, {} rate_limited answers\n",
      f.flood_sent, static_cast<double>(f.flood_sent_in_window) / window, f.flood_accepted, f.flood_dropped, f.flood_busy,
      f.rate_limited_answers);
  const double limit = std::max(2 * q.quiet_e2e_p99_ms, q.quiet_e2e_p99_ms + 5);
  const bool ok = q.quiet_samples > 0 && f.quiet_samples > 0 && f.quiet_e2e_p99_ms <= limit;
  out << fmt::format("  verdict: {} (quiet p99 with the flood {:.1f} ms, limit max(2 x {:.1f}, {:.1f} + 5) = {:.1f} ms)\n",
                     ok ? "ok" : "FAIL", f.quiet_e2e_p99_ms, q.quiet_e2e_p99_ms, q.quiet_e2e_p99_ms, limit);
  return ok;
}

}  // namespace hub::bench
