// bus/peer_wake.h: the thread that wakes this hub's dispatcher when another
// hub on the same database committed new work (store/work_signal.h).
//
// A unit may be connected to any hub: the case its sender gave to hub A is
// sent by the hub its receiver is connected to. This thread listens for the
// other hubs' announcements and calls `wake` for each batch of them; after
// (re)connecting it calls `wake` once, for whatever it may have missed. While
// the database is unreachable it retries every second; the dispatcher's own
// 200 ms poll covers the gap. Warns at start when another connection uses
// this hub's id.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace hub::bus {

class PeerWake {
 public:
  PeerWake(std::string conninfo, std::string hub_id, std::function<void()> wake);
  ~PeerWake();
  void start();
  void stop();

 private:
  void run();

  const std::string conninfo_;
  const std::string hub_id_;
  const std::function<void()> wake_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace hub::bus
