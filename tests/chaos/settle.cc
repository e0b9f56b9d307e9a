#include "settle.h"

#include <iostream>

#include <fmt/format.h>

namespace hub::chaos {

Settled settle_and_check(ChaosHub& hub, Load& load, std::uint64_t seed, std::chrono::seconds drain_timeout) {
  Settled out;
  load.stop_sending();
  out.drained = load.drain(drain_timeout);
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
  std::cout << fmt::format("  deliveries the routes name: {}, received: {}; refused: {}, unanswered: {}\n", v.expected,
                           v.delivered, v.refused, v.unanswered);
  if (!out.drained) std::cout << "  FAILED: the hub did not answer and deliver everything within the drain time\n";
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
