// bus/rejection_budget.h: how many of one unit's refusals become events.
//
// Every refusal is answered, but each recorded one is a row in the events
// table and a routing-log line: a unit sending garbage at full speed must not
// fill either. Per unit, kPerSecond refusals a second (bursts of kBurst) are
// recorded; those beyond are only counted, and the next one recorded carries
// the count (detail "suppressed_before"). Units are authenticated, so the
// table holds at most one entry per configured unit. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "util/token_bucket.h"

namespace hub::bus {

class RejectionBudget {
 public:
  using Time = std::chrono::steady_clock::time_point;
  static constexpr double kPerSecond = 10;
  static constexpr double kBurst = 100;

  // nullopt: do not record this refusal. Otherwise record it, with the number
  // left unrecorded since the unit's last recorded one.
  std::optional<std::uint64_t> admit(const std::string& unit, Time now) {
    std::lock_guard lock(mu_);
    auto [it, inserted] = units_.try_emplace(unit);
    Budget& b = it->second;
    if (inserted) b.bucket = TokenBucket(kPerSecond, kBurst, now);
    if (!b.bucket.take(1, now)) {
      ++b.suppressed;
      return std::nullopt;
    }
    const std::uint64_t suppressed = b.suppressed;
    b.suppressed = 0;
    return suppressed;
  }

 private:
  struct Budget {
    TokenBucket bucket;
    std::uint64_t suppressed = 0;
  };
  std::mutex mu_;
  std::unordered_map<std::string, Budget> units_;  // GUARDED_BY(mu_)
};

}  // namespace hub::bus
