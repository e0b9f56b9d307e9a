// hooks/hook_runner.h: the thread that runs plugins' after-commit hooks.
//
// Claims hook tasks (store/hook_tasks.h), runs on_accepted / on_reply /
// on_timer with a HookContextImpl, and commits the hook's effects — state,
// timers, follow-up cases (validated and routed like any case, or addressed),
// dated directory changes and the task's completion — in one transaction. A hook that returns an error or throws is
// retried with backoff and parked after max attempts; other work keeps flowing.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "bus/catalog_holder.h"
#include "hub/clock.h"
#include "log/routing_log.h"
#include "store/db_link.h"
#include "store/hook_tasks.h"

namespace hub::hooks {

class HookRunner {
 public:
  static constexpr int kMaxAttempts = 5;
  // Attempts during which the hub stopped (crashed in the hook, or was killed)
  // before the task is parked as poison: one such stop may be unrelated.
  static constexpr int kMaxInterrupted = 2;

  HookRunner(std::string conninfo, std::string hub_id, const bus::CatalogHolder& catalog, const log::RoutingLog& log,
             const Clock& clock, std::function<void()> committed,
             std::function<void(store::PgConnection&)> refresh_directory);
  ~HookRunner();
  void start();
  void stop();
  void kick();

 private:
  void run();
  bool run_once(store::PgConnection& db);  // true when more tasks may be due
  void run_task(store::PgConnection& db, const bus::Catalog& catalog, const store::HookTask& task);
  Status call_hook(store::PgConnection& db, const bus::Catalog& catalog, const store::HookTask& task);
  Status commit_effects(store::PgConnection& db, const bus::Catalog& catalog, const store::HookTask& task,
                        const CaseView& parent, const HookEffects& effects);

  store::DbLink db_;
  const std::string hub_id_;
  const bus::CatalogHolder& catalog_;
  const log::RoutingLog& log_;
  const Clock& clock_;
  const std::function<void()> committed_;
  const std::function<void(store::PgConnection&)> refresh_directory_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool kicked_ = false;    // GUARDED_BY(mu_)
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace hub::hooks
