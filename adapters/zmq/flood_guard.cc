#include "flood_guard.h"

#include <algorithm>

namespace hub::zmq_adapter {

namespace {
constexpr auto kPenaltyMemory = std::chrono::hours(1);
}

FloodGuard::FloodGuard(int messages_per_second, std::chrono::seconds first_penalty,
                       std::chrono::seconds longest_penalty)
    : messages_per_second_(messages_per_second),
      first_penalty_(first_penalty),
      longest_penalty_(std::max(first_penalty, longest_penalty)),
      rates_(messages_per_second, std::max(1, messages_per_second), kMostRemembered) {}

FloodGuard::Verdict FloodGuard::admit(const std::string& routing_id, const std::string& key, TimePoint now) {
  if (messages_per_second_ <= 0) return Verdict::kRead;
  if (!cut_.empty() && cut_.count(routing_id)) return Verdict::kDrop;
  if (rates_.allow(routing_id, now)) return Verdict::kRead;
  if (cut_.size() >= kMostRemembered) cut_.clear();
  cut_.insert(routing_id);
  if (penalties_.size() >= kMostRemembered) penalties_.clear();
  Penalty& p = penalties_[key];
  const bool again = p.length.count() > 0 && now - p.until < kPenaltyMemory;
  p.length = again ? std::min(p.length * 2, longest_penalty_) : first_penalty_;
  p.until = now + p.length;
  return Verdict::kCut;
}

std::chrono::seconds FloodGuard::penalty_left(const std::string& key, TimePoint now) const {
  const auto it = penalties_.find(key);
  if (it == penalties_.end() || it->second.until <= now) return std::chrono::seconds(0);
  return std::chrono::ceil<std::chrono::seconds>(it->second.until - now);
}

std::chrono::seconds FloodGuard::last_penalty(const std::string& key) const {
  const auto it = penalties_.find(key);
  return it == penalties_.end() ? std::chrono::seconds(0) : it->second.length;
}

}  // namespace hub::zmq_adapter
