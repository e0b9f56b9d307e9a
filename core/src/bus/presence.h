// bus/presence.h: which units are connected to this hub now.
//
// A unit is online from any message it sends until it has been silent for the
// heartbeat timeout, or always when one of its adapters reaches it at any time
// (hub/adapter.h, the dispatch rule). Deliveries are only claimed for online
// units, so an offline receiver costs rows in the database, not attempts or
// memory.
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace hub::bus {

class Presence {
 public:
  explicit Presence(std::chrono::seconds timeout) : timeout_(timeout) {}
  // Records traffic from `unit`; returns true when it arrives: first heard by
  // this hub, or silent for longer than the timeout. (Back from forget()
  // while it kept talking is not an arrival: its pending work keeps its
  // backoff instead of being sent again all at once.) A unit online at any
  // time never arrives: what was pushed to it is on its way, and the acks its
  // webhook's answers make must not send it all again.
  bool seen(const std::string& unit);
  // The unit's connection is gone (the adapter could not send to it): offline
  // until it speaks again.
  void forget(const std::string& unit);
  // Replaces the units that are online whatever they say (set at start and
  // at every reload from the adapters' reach).
  void set_always_online(std::vector<std::string> units);
  std::vector<std::string> online() const;
  bool is_online(const std::string& unit) const;

 private:
  using Clock = std::chrono::steady_clock;
  const std::chrono::seconds timeout_;
  mutable std::mutex mu_;
  struct Heard {
    Clock::time_point at;
    bool forgotten = false;
  };
  std::unordered_map<std::string, Heard> last_seen_;  // GUARDED_BY(mu_)
  std::unordered_set<std::string> always_online_;     // GUARDED_BY(mu_)
};

}  // namespace hub::bus
