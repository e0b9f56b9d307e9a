// bus/deadline_watcher.h: the thread that fires reminders and escalations.
//
// Every tick it asks the store for deliveries whose next watch step is due by
// the hub's clock (store/deadline_watch.h) and fires them; it keeps going
// while full batches come back. Any number of hubs may run one against the
// same database: each step is claimed by one of them and committed with its
// effects, so it fires exactly once, also across restarts.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "catalog/catalog_holder.h"
#include "hub/clock.h"
#include "log/routing_log.h"
#include "store/db_link.h"

namespace hub::bus {

class DeadlineWatcher {
 public:
  // `fired` is called after a commit that created deliveries or updates (wakes the dispatcher).
  DeadlineWatcher(std::string conninfo, const catalog::CatalogHolder& catalog, const log::RoutingLog& log, const Clock& clock,
                  std::function<void()> fired);
  ~DeadlineWatcher();
  void start();
  void stop();

 private:
  void run();
  bool watch_once(store::PgConnection& db);  // true when it claimed a full batch

  store::DbLink db_;
  const catalog::CatalogHolder& catalog_;
  const log::RoutingLog& log_;
  const Clock& clock_;
  std::function<void()> fired_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace hub::bus
