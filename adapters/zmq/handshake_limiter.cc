#include "handshake_limiter.h"

#include <algorithm>

namespace hub::zmq_adapter {

HandshakeLimiter::HandshakeLimiter(double per_second, double burst, std::size_t most_addresses)
    : per_second_(per_second), burst_(burst), most_addresses_(std::max<std::size_t>(most_addresses, 1)) {}

double HandshakeLimiter::tokens_at(const Bucket& bucket, TimePoint now) const {
  const double seconds = std::chrono::duration<double>(now - bucket.refilled).count();
  return std::min(burst_, bucket.tokens + std::max(0.0, seconds) * per_second_);
}

bool HandshakeLimiter::allow(const std::string& address, TimePoint now) {
  if (per_second_ <= 0) return true;
  auto it = buckets_.find(address);
  if (it == buckets_.end()) {
    make_room(now);
    it = buckets_.emplace(address, Bucket{burst_, now}).first;
  }
  Bucket& bucket = it->second;
  bucket.tokens = tokens_at(bucket, now);
  bucket.refilled = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

void HandshakeLimiter::make_room(TimePoint now) {
  if (buckets_.size() < most_addresses_) return;
  std::erase_if(buckets_, [&](const auto& entry) { return tokens_at(entry.second, now) >= burst_; });
  if (buckets_.size() >= most_addresses_) buckets_.clear();
}

}  // namespace hub::zmq_adapter
