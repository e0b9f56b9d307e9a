#include "bus/presence.h"

namespace hub::bus {

bool Presence::seen(const std::string& unit) {
  const auto now = Clock::now();
  std::lock_guard lock(mu_);
  auto [it, inserted] = last_seen_.try_emplace(unit, Heard{now, false});
  const bool arrived = (inserted || now - it->second.at > timeout_) && !always_online_.contains(unit);
  it->second = Heard{now, false};
  return arrived;
}

void Presence::forget(const std::string& unit) {
  std::lock_guard lock(mu_);
  if (auto it = last_seen_.find(unit); it != last_seen_.end()) it->second.forgotten = true;
}

bool Presence::is_online(const std::string& unit) const {
  const auto now = Clock::now();
  std::lock_guard lock(mu_);
  if (always_online_.contains(unit)) return true;
  auto it = last_seen_.find(unit);
  return it != last_seen_.end() && !it->second.forgotten && now - it->second.at <= timeout_;
}

std::vector<std::string> Presence::online() const {
  const auto now = Clock::now();
  std::lock_guard lock(mu_);
  std::vector<std::string> out(always_online_.begin(), always_online_.end());
  for (const auto& [unit, heard] : last_seen_)
    if (!always_online_.contains(unit) && !heard.forgotten && now - heard.at <= timeout_) out.push_back(unit);
  return out;
}

void Presence::set_always_online(std::vector<std::string> units) {
  std::lock_guard lock(mu_);
  always_online_ = std::unordered_set<std::string>(std::make_move_iterator(units.begin()),
                                                   std::make_move_iterator(units.end()));
}

}  // namespace hub::bus
