// store/hook_tasks.h: after-commit plugin work, claimed like deliveries.
//
// A task is claimed with FOR UPDATE SKIP LOCKED, and its attempt is counted and
// marked running, committed (synchronously) BEFORE the hook runs; the
// attempt's end (done, or failed with its error) clears the mark. A task found
// still marked when it is claimed again was interrupted: the hub stopped while
// the hook ran. After max_interrupted such attempts the task is parked as
// poison, so a hook that crashes the process cannot crash the hub at every
// start; other failures park it after max_attempts. Only the oldest
// pending task of a case can be claimed, so hooks of one case never overlap and
// run in order.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hooks/hook_effects.h"
#include "store/event.h"
#include "store/pg.h"

namespace hub::store {

struct HookTask {
  std::int64_t id = 0;
  CaseId case_id = 0;
  std::string plugin;
  std::string hook;  // accepted | reply | timer
  std::int64_t reply_id = 0;
  std::string timer_name;
  Json timer_data;
  int attempts = 0;  // including this one
};

struct HookClaim {
  std::vector<HookTask> tasks;  // to run now
  std::vector<Event> events;    // tasks parked because they used every attempt
};

// Turns due timers into tasks, counts interrupted attempts, parks exhausted
// tasks and claims due ones.
Result<HookClaim> claim_hook_tasks(PgConnection& db, TimePoint now, const std::string& hub_id, int max_attempts,
                                   int max_interrupted, int limit);

// Reads the case (and reply) a task is about.
Result<CaseView> load_case(PgConnection& db, CaseId id);
Result<ReplyView> load_reply(PgConnection& db, std::int64_t reply_id);

// REQUIRES: inside the caller's transaction. Writes state and timers, marks the task done.
Status apply_effects(PgConnection& db, const HookTask& task, const hooks::HookEffects& effects, TimePoint now);
// Sends the case's held deliveries (CaseTypeDecl::enriched) with `annex` (an
// object; empty: none), counting their dispatch from `now`.
// REQUIRES: inside the caller's transaction.
Status release_held_deliveries(PgConnection& db, CaseId case_id, const Json& annex, TimePoint now);
// Records a failed attempt (outside any transaction).
Status record_hook_failure(PgConnection& db, const HookTask& task, const std::string& error, TimePoint now);

}  // namespace hub::store
