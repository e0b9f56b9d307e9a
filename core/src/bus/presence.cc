#include "bus/presence.h"

namespace hub::bus {

bool Presence::seen(const std::string& unit) {
  const auto now = Clock::now();
  std::lock_guard lock(mu_);
  auto [it, inserted] = last_seen_.try_emplace(unit, now);
  const bool was_online = !inserted && now - it->second <= timeout_;
  it->second = now;
  return !was_online;
}

void Presence::forget(const std::string& unit) {
  std::lock_guard lock(mu_);
  last_seen_.erase(unit);
}

std::vector<std::string> Presence::online() const {
  const auto now = Clock::now();
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [unit, at] : last_seen_)
    if (now - at <= timeout_) out.push_back(unit);
  return out;
}

}  // namespace hub::bus
