#include "bus/presence.h"

namespace hub::bus {

bool Presence::seen(const std::string& unit) {
  const auto now = Clock::now();
  std::lock_guard lock(mu_);
  auto [it, inserted] = last_seen_.try_emplace(unit, Heard{now, false});
  const bool arrived = inserted || now - it->second.at > timeout_;
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
  auto it = last_seen_.find(unit);
  return it != last_seen_.end() && !it->second.forgotten && now - it->second.at <= timeout_;
}

std::vector<std::string> Presence::online() const {
  const auto now = Clock::now();
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [unit, heard] : last_seen_)
    if (!heard.forgotten && now - heard.at <= timeout_) out.push_back(unit);
  return out;
}

}  // namespace hub::bus
