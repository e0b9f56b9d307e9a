// bus/refusal_pacer.h: how often a unit whose messages are dropped unread is
// told, and the hub's log says so.
//
// A unit flooding the hub must not get a flood of answers back (each answer
// costs more than the message it refuses), nor fill the log. So per unit: an
// answer at the first refusal and then at most once a second; a log line at
// the first refusal and then at most once a minute, with the count since the
// last line. The refused messages themselves say nothing: the unit resends
// whatever stays unanswered (docs/PROTOCOL.md). Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hub::bus {

class RefusalPacer {
 public:
  using SteadyClock = std::chrono::steady_clock;
  static constexpr auto kAnswerEvery = std::chrono::seconds(1);
  static constexpr auto kLogEvery = std::chrono::minutes(1);

  struct Verdict {
    bool answer = false;  // answer this refusal
    bool first = false;   // the first refusal of this unit: log it as such
    long to_log = 0;      // > 0: log this many refusals since the last line
  };

  // Counts one refused message of `unit`.
  Verdict refuse(const std::string& unit, SteadyClock::time_point now);

  // Forgets every unit for which `keep` is false.
  template <typename Keep>
  void forget_unless(Keep keep) {
    std::lock_guard lock(mu_);
    std::erase_if(units_, [&](const auto& entry) { return !keep(entry.first); });
  }

 private:
  struct Refusals {
    SteadyClock::time_point answered{};  // the last answer
    SteadyClock::time_point logged{};    // the last line in the hub's log
    long since_logged = 0;               // messages refused since that line
  };
  std::mutex mu_;
  std::unordered_map<std::string, Refusals> units_;  // GUARDED_BY(mu_)
};

}  // namespace hub::bus
