// store/hook_tasks.h: after-commit plugin work, claimed like deliveries.
//
// A task is claimed with FOR UPDATE SKIP LOCKED, and its attempt is counted and
// marked running, committed (synchronously) BEFORE the hook runs; the
// attempt's end clears the mark:
//   done              apply_effects, in the transaction of the hook's effects;
//   failed            record_hook_failure: the attempt stays counted; after
//                     max_attempts the task is parked;
//   plugin's retry    record_hook_retry: the attempt is uncounted and the
//                     retries counted; at the bound, give_up_retrying parks it;
//   hub's failure     release_hook_attempt (the database failed, or other
//                     hooks kept changing the state it read): uncounted, due
//                     again at once.
// A task found still marked when it is claimed again was interrupted: the hub
// stopped while the hook ran. After max_interrupted such attempts the task is
// parked as poison, so a hook that crashes the process cannot crash the hub at
// every start. Only the oldest pending task of a case can be claimed, so hooks
// of one case never overlap and run in order.
//
// Every end of an attempt applies only while the task is still pending with
// this attempt's count and running mark: an attempt whose lease ran out and
// whose task another hub claimed since ends without effect ("superseded").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/event.h"
#include "store/hook_effects.h"
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
  int retries = 0;   // "retry" answers so far
  std::optional<TimePoint> retry_since;  // the first of them
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

// How apply_effects ended. On anything but kApplied nothing was written and
// the caller rolls back.
struct AppliedEffects {
  enum class Outcome { kApplied, kStateChanged, kSuperseded };
  Outcome outcome = Outcome::kApplied;
  std::vector<std::string> stale;  // kStateChanged: the keys others changed since the hook read them
};

// REQUIRES: inside the caller's transaction. Marks the task done, writes its
// state (compare-and-set, store/plugin_state.h) and timers.
Result<AppliedEffects> apply_effects(PgConnection& db, const HookTask& task, const HookEffects& effects,
                                     TimePoint now);
// Sends the case's held deliveries (CaseTypeDecl::enriched) with `annex` (an
// object; empty: none), counting their dispatch from `now`.
// REQUIRES: inside the caller's transaction.
Status release_held_deliveries(PgConnection& db, CaseId case_id, const Json& annex, TimePoint now);

// Each of these runs its own transaction and records its event.
// A failed attempt (counted).
Status record_hook_failure(PgConnection& db, const HookTask& task, const std::string& error, TimePoint now);
// The plugin answered "retry": the attempt is uncounted, the retry counted,
// and the task is due again at `next_at`.
Status record_hook_retry(PgConnection& db, const HookTask& task, const std::string& reason, TimePoint next_at,
                         TimePoint now);
// The plugin answered "retry" once too often: the attempt is uncounted, the
// retry counted, and the task parked with `reason` (releasing the held
// deliveries of an on_accepted task, as any parked one does).
Status give_up_retrying(PgConnection& db, const HookTask& task, const std::string& reason, TimePoint now);
// The hub failed the attempt (not the plugin): uncounted, due again at `now`.
Status release_hook_attempt(PgConnection& db, const HookTask& task, const std::string& reason, TimePoint now);

}  // namespace hub::store
