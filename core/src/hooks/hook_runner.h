// hooks/hook_runner.h: the thread that runs plugins' after-commit hooks.
//
// Claims hook tasks (store/hook_tasks.h), runs on_accepted / on_reply /
// on_timer with a HookContextImpl, and commits the hook's effects — state
// (compare-and-set), timers, follow-up cases (validated and routed like any
// case, or addressed), dated directory changes and the task's completion — in
// one transaction. What happens next depends on who ended the attempt:
//   the plugin:  Ok commits; Retry is rescheduled (hooks/retry_policy.h) and
//                parked at its bound; Error (or an exception, or effects the hub
//                refuses) is a failed attempt, parked after kMaxAttempts;
//   the hub:     the state the hook read was changed by another hook before
//                the commit, or the transaction lost a race (serialization
//                failure, deadlock): the hook runs again at once, up to
//                kMaxReruns times, then the task is due again uncounted; the
//                database is unreachable: the attempt is uncounted as soon as
//                the database is back (if the hub stops first, the next claim
//                counts it as interrupted).
// Other work keeps flowing meanwhile.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "catalog/catalog_holder.h"
#include "hooks/hook_outcome.h"
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
  // Immediate reruns of a hook whose commit lost a race, before it waits.
  static constexpr int kMaxReruns = 3;

  HookRunner(std::string conninfo, std::string hub_id, const catalog::CatalogHolder& catalog, const log::RoutingLog& log,
             const Clock& clock, std::function<void()> committed,
             std::function<void(store::PgConnection&)> refresh_directory);
  ~HookRunner();
  void start();
  void stop();
  void kick();

 private:
  void run();
  bool run_once(store::PgConnection& db);  // true when more tasks may be due
  // False when the database connection was lost (the link dropped it).
  bool run_task(store::PgConnection& db, const catalog::Catalog& catalog, const store::HookTask& task);
  HookOutcome call_hook(store::PgConnection& db, const catalog::Catalog& catalog, const store::HookTask& task);
  HookOutcome commit_effects(store::PgConnection& db, const catalog::Catalog& catalog, const store::HookTask& task,
                             const CaseView& parent, const store::HookEffects& effects);
  // Records how the task's attempt ended; false when the connection was lost.
  bool record(store::PgConnection& db, const store::HookTask& task, const HookOutcome& outcome);
  // Uncounts the attempts the database failed while it was unreachable; false
  // when it still is.
  bool release_unreachable(store::PgConnection& db);
  // The outcome of a store failure: kDatabaseDown (and the link dropped),
  // kRerun for a lost race, else kError.
  HookOutcome store_failure(const Status& s);

  store::DbLink db_;
  const std::string hub_id_;
  const catalog::CatalogHolder& catalog_;
  const log::RoutingLog& log_;
  const Clock& clock_;
  const std::function<void()> committed_;
  const std::function<void(store::PgConnection&)> refresh_directory_;
  // Attempts ended by an unreachable database, to uncount once it is back
  // (with the reason). Runner thread only.
  std::vector<std::pair<store::HookTask, std::string>> unreleased_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool kicked_ = false;    // GUARDED_BY(mu_)
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace hub::hooks
