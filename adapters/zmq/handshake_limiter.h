// handshake_limiter.h: CURVE handshakes per source address, limited by a token
// bucket, in bounded memory.
//
// Each address has a bucket of `burst` tokens that refills at `per_second`; a
// handshake takes one token, and one arriving at an empty bucket is refused.
// At most `most_addresses` buckets are kept: when the table is full, buckets
// that have refilled completely are dropped (a new bucket is just as full),
// and if that frees nothing the whole table is dropped, so a flood from many
// addresses costs memory only up to the cap and at worst gives every address a
// full bucket again.
//
// Not thread-safe: the zmq adapter's I/O thread owns it. Time is passed in, so
// tests need no clock.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>

namespace hub::zmq_adapter {

class HandshakeLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // per_second 0: no limit (allow() is always true). REQUIRES: burst >= 1 when per_second > 0.
  HandshakeLimiter(double per_second, double burst, std::size_t most_addresses = 4096);

  // Takes a token from `address`'s bucket at `now`; false when none is left.
  bool allow(const std::string& address, TimePoint now);

  std::size_t addresses() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    TimePoint refilled;  // when `tokens` was last brought up to date
  };
  double tokens_at(const Bucket& bucket, TimePoint now) const;
  void make_room(TimePoint now);

  double per_second_;
  double burst_;
  std::size_t most_addresses_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace hub::zmq_adapter
