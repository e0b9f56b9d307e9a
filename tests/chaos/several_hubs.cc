// Several hubs: N hubds on one database, the units spread over them, fan-out
// load with journals; one hub SIGKILLed under load and not restarted. Its
// units move to the survivors (bench/hub_link.h), which take over the
// deliveries it had leased (the unit's hello there makes them due at once),
// then everything drains and the journals are checked.
#include <chrono>
#include <iostream>
#include <random>

#include <fmt/format.h>

#include "load.h"
#include "scenarios.h"
#include "settle.h"

namespace hub::chaos {
namespace {

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Deliveries the killed hub had sent (or was sending) and that are not acked:
// kept in a table of the test's own, so that the takeover can be timed from
// the routing events afterwards.
Result<std::string> remember_leased(ChaosHub& h, const std::string& dead_hub) {
  if (auto made = h.query("CREATE TABLE chaos_leased_at_kill AS SELECT id FROM deliveries WHERE state = 'pending' "
                          "AND attempts > 0 AND lease_owner = '" + dead_hub + "'");
      !made.ok())
    return made.status();
  return h.query("SELECT count(*) FROM chaos_leased_at_kill");
}

// Seconds from `killed_at` (Unix seconds) to the first resend of one of those
// deliveries by another hub; negative when there was none.
double takeover_seconds(ChaosHub& h, double killed_at) {
  auto first = h.query(
      "SELECT coalesce(extract(epoch FROM min(e.at)), -1) FROM events e JOIN chaos_leased_at_kill k "
      "ON k.id = e.delivery_id WHERE e.kind = 'redelivered'");
  if (!first.ok() || first->empty()) return -1;
  const double at = std::stod(*first);
  return at < 0 ? -1 : at - killed_at;
}

}  // namespace

int run_several_hubs(const ChaosHubOptions& hub_options, const HubsOptions& options) {
  std::mt19937_64 random(options.seed);
  const int victim = std::uniform_int_distribution<int>(0, options.hubs - 1)(random);
  const double before_kill = std::uniform_real_distribution<double>(options.min_before_kill_s, options.max_before_kill_s)(random);
  std::cout << fmt::format("several hubs: {} hubds on one database, fan-out at {}, hub {} SIGKILLed after {:.2f} s "
                           "and not restarted, seed={}\n",
                           options.hubs, options.rate == 0 ? std::string("saturation") : fmt::format("{} cases/s", options.rate),
                           victim + 1, before_kill, options.seed)
            << std::flush;
  ChaosHubOptions ho = hub_options;
  ho.hubs = options.hubs;
  const auto starting = bench::steady_ns();
  auto hub = ChaosHub::start(ho);
  if (!hub.ok()) return setup_failed(hub.status());
  ChaosHub& h = **hub;
  std::cout << fmt::format("database and {} hubs (started at once) ready in {:.2f} s\n", options.hubs,
                           seconds_since(starting));
  LoadOptions lo;
  lo.rate = options.rate;
  Load load(h, lo);
  if (Status s = load.start(); !s.ok()) return setup_failed(s);
  auto& control = load.control();
  if (!h.run_for(before_kill)) {
    std::cout << "FAILED: a hubd died by itself; the logs end with:\n" << h.hubd_log_tail() << "\n";
    return 1;
  }

  const std::int64_t at_risk = control.outstanding_total.load();
  const std::string dead_id = h.hubs().hub_id(victim);
  const double killed_at = wall_seconds();
  const std::int64_t killed_steady = bench::steady_ns();
  h.kill_hubd(victim);
  auto leased = remember_leased(h, dead_id);
  std::cout << fmt::format("killed {} ({} sends of all units unanswered at that moment); it had sent {} deliveries "
                           "not yet acked\n",
                           dead_id, at_risk, leased.ok() ? *leased : "?")
            << std::flush;
  if (!h.run_for(options.after_kill_s)) {
    std::cout << "FAILED: a surviving hubd died; the logs end with:\n" << h.hubd_log_tail() << "\n";
    return 1;
  }

  const Settled settled = settle_and_check(h, load, options.seed, std::chrono::seconds(60));
  const double takeover = takeover_seconds(h, killed_at);
  const auto accepted = load.accepted_at();
  const auto received = load.received_at();
  for (int i = 0; i < h.hubs().size(); ++i) {
    const std::string& endpoint = h.hubs().deployment(i).endpoint;
    const auto count = [&](const std::map<std::string, std::int64_t>& m) {
      const auto it = m.find(endpoint);
      return it == m.end() ? std::int64_t{0} : it->second;
    };
    std::cout << fmt::format("  {}{}: {} cases accepted, {} deliveries first received through it\n", h.hubs().hub_id(i),
                             i == victim ? " (killed)" : "", count(accepted), count(received));
  }
  if (!leased.ok()) std::cout << "  FAILED: cannot read what the killed hub had leased: " << leased.status().message() << "\n";
  const bool leased_any = leased.ok() && *leased != "0";
  const std::int64_t first_move = load.first_failover_ns();
  std::cout << fmt::format("  units moved to another hub: {}, the first {} after the kill; takeover (kill → first "
                           "resend of a delivery leased by {} by a survivor): {}; drain: {:.1f} s\n",
                           load.failovers(),
                           first_move == 0 ? std::string("never")
                                           : fmt::format("{:.2f} s", static_cast<double>(first_move - killed_steady) / 1e9),
                           dead_id,
                           takeover >= 0 ? fmt::format("{:.2f} s", takeover)
                                         : std::string(leased_any ? "none" : "none (nothing was leased)"),
                           settled.drain_s);
  bool ok = settled.ok() && leased.ok();
  if (leased_any && takeover < 0) {
    std::cout << "  FAILED: no survivor sent again a delivery the killed hub had leased\n";
    ok = false;
  }
  if (load.failovers() == 0) {
    std::cout << "  FAILED: no unit moved to another hub\n";
    ok = false;
  }
  std::cout << (ok ? "PASSED" : "FAILED") << "\n";
  return ok ? 0 : 1;
}

}  // namespace hub::chaos
