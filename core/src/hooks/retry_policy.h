// hooks/retry_policy.h: when a hook that answered "retry" runs again, and when
// the hub stops retrying it. Pure; the numbers are those hub/hook_result.h
// promises plugin authors.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

#include "hub/clock.h"

namespace hub::hooks {

// The task's retry answers are bounded by number and by age.
inline constexpr int kMaxRetries = 10;
inline constexpr std::chrono::hours kMaxRetryAge{6};
// Without a delay from the plugin: 5 s, doubling, at most 15 min.
inline constexpr std::chrono::seconds kFirstRetryDelay{5};
inline constexpr std::chrono::minutes kMaxRetryDelay{15};
// A delay the plugin asks for is kept within these.
inline constexpr std::chrono::seconds kMinRetryAfter{1};
inline constexpr std::chrono::hours kMaxRetryAfter{1};

struct RetryPlan {
  bool give_up = false;
  std::chrono::milliseconds delay{0};  // when not giving up: run again after this
  std::string why;                     // when giving up: "gave up retrying: ..." without the plugin's reason
};

// For a retry answer of a task that had `retries_before` of them, the first at
// `first_retry` (nullopt: this is the first), at `now`; `asked` is the
// plugin's retry_after.
inline RetryPlan plan_retry(int retries_before, std::optional<TimePoint> first_retry, TimePoint now,
                            std::optional<std::chrono::milliseconds> asked) {
  using std::chrono::milliseconds;
  const int retries = retries_before + 1;
  const auto age = first_retry ? now - *first_retry : TimePoint::duration::zero();
  if (retries >= kMaxRetries || age >= kMaxRetryAge) {
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(age).count();
    return {true, milliseconds(0),
            "gave up retrying: the plugin answered \"retry\" " + std::to_string(retries) + " times in " +
                std::to_string(minutes) + " min (at most " + std::to_string(kMaxRetries) + " times or " +
                std::to_string(kMaxRetryAge.count()) +
                " h); replay the task once what it waits for is there, or fix the plugin"};
  }
  if (asked) return {false, std::clamp<milliseconds>(*asked, kMinRetryAfter, kMaxRetryAfter), {}};
  milliseconds delay = kFirstRetryDelay;
  for (int i = 0; i < retries_before && delay < kMaxRetryDelay; ++i) delay *= 2;
  return {false, std::min<milliseconds>(delay, kMaxRetryDelay), {}};
}

}  // namespace hub::hooks
