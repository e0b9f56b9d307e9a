#include "settle.h"

#include <iostream>

#include <fmt/format.h>

namespace hub::chaos {

Settled settle_and_check(ChaosHub& hub, Load& load, std::uint64_t seed, std::chrono::seconds stall) {
  Settled out;
  load.stop_sending();
  const std::int64_t stopped_at = bench::steady_ns();
  out.drained = load.drain(stall);
  out.drain_s = seconds_since(stopped_at);
  load.stop();
  out.hubd_exit = hub.stop_hubd();
  CheckInput input = load.journals();
  auto stored = hub.stored_cases();
  if (!stored.ok()) {
    std::cout << "cannot read the hub's database: " << stored.status().message() << "\n";
    out.verdict.problem_count = 1;
    return out;
  }
  input.stored = std::move(stored).value();
  out.verdict = check(input);
  const Verdict& v = out.verdict;
  std::cout << v.line(seed) << "\n";
  std::cout << fmt::format("  deliveries the routes name: {}, received: {}; refused: {}, unanswered: {}; drained "
                           "{:.1f} s after the senders stopped\n",
                           v.expected, v.delivered, v.refused, v.unanswered, out.drain_s);
  if (!out.drained)
    std::cout << fmt::format("  FAILED: the hub stopped answering and delivering (nothing moved for {} s)\n", stall.count());
  if (out.hubd_exit != 0)
    std::cout << fmt::format("  FAILED: hubd exited with status {} on SIGTERM; its log ends with:\n{}\n", out.hubd_exit,
                             hub.hubd_log_tail());
  for (const auto& p : v.problems) std::cout << "  " << p << "\n";
  if (v.problem_count > static_cast<std::int64_t>(v.problems.size()))
    std::cout << fmt::format("  ... and {} more problems\n", v.problem_count - static_cast<std::int64_t>(v.problems.size()));
  if (!out.ok()) std::cout << "  the journals and hubd's log are in " << hub.folder() << " with --keep\n";
  std::cout << std::flush;
  return out;
}

}  // namespace hub::chaos
