// util/token_bucket.h: a rate with a burst, the measure of every quota.
//
// Tokens flow in at `rate` per second up to `burst`. take(n) succeeds when at
// least min(n, burst) tokens are there, and then spends all n: the balance may
// go below zero, so one item larger than the burst passes when the bucket is
// full, and its debt is repaid before anything else passes. Time is passed in
// (steady clock), so the arithmetic is testable without waiting.
// Not thread-safe.
#pragma once

#include <algorithm>
#include <chrono>

namespace hub {

class TokenBucket {
 public:
  using Time = std::chrono::steady_clock::time_point;

  TokenBucket() = default;
  // Starts full.
  TokenBucket(double rate_per_second, double burst, Time now)
      : rate_(rate_per_second), burst_(burst), tokens_(burst), last_(now) {}

  // New rate and burst; the balance is kept (capped at the new burst).
  void reshape(double rate_per_second, double burst, Time now) {
    refill(now);
    rate_ = rate_per_second;
    burst_ = burst;
    tokens_ = std::min(tokens_, burst_);
  }

  bool take(double amount, Time now) {
    refill(now);
    if (tokens_ < std::min(amount, burst_)) return false;
    tokens_ -= amount;
    return true;
  }

  // Whether take(amount, now) would succeed; spends nothing.
  bool would_take(double amount, Time now) {
    refill(now);
    return tokens_ >= std::min(amount, burst_);
  }

  double rate() const { return rate_; }
  double burst() const { return burst_; }

 private:
  void refill(Time now) {
    if (now <= last_) return;
    const double seconds = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + seconds * rate_);
    last_ = now;
  }

  double rate_ = 0;
  double burst_ = 0;
  double tokens_ = 0;
  Time last_{};
};

}  // namespace hub
