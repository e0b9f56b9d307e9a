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
//
// It also keeps this hub's set of disabled units current: `units_changed`
// reads the set on the listening connection after every (re)connect and
// whenever a hub (this one too) announces a change (store/unit_status.h). When
// that read fails, the thread connects again after a second and reads again.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "store/pg.h"
#include "store/work_signal.h"

namespace hub::bus {

class PeerWake {
 public:
  PeerWake(std::string conninfo, std::string hub_id, std::function<void()> wake,
           std::function<Status(store::PgConnection&)> units_changed);
  ~PeerWake();
  void start();
  void stop();

 private:
  void run();
  // false (logged) when the set of disabled units could not be read.
  bool reload_units(store::WorkListener& listener);

  const std::string conninfo_;
  const std::string hub_id_;
  const std::function<void()> wake_;
  const std::function<Status(store::PgConnection&)> units_changed_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace hub::bus
