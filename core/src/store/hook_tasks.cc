// store/hook_tasks.cc: claiming hook tasks and recording how each attempt ended.
#include "store/hook_tasks.h"

#include "store/attachments.h"
#include "store/plugin_state.h"
#include "util/time_format.h"

namespace hub::store {
namespace {

std::int64_t int_at(const PgResult& r, int row, int col) { return r.get_int64(row, col).value(); }
std::string str_at(const PgResult& r, int row, int col) { return std::string(r.get(row, col)); }

constexpr const char* kTimersToTasks =
    "WITH due AS (DELETE FROM timers WHERE (plugin, case_id, name) IN ("
    "  SELECT plugin, case_id, name FROM timers WHERE due_at <= $1::timestamptz ORDER BY due_at LIMIT 500 "
    "  FOR UPDATE SKIP LOCKED) RETURNING plugin, case_id, name, data, due_at) "
    "INSERT INTO hook_tasks (case_id, plugin, hook, timer_name, timer_data, next_attempt_at, created_at) "
    "SELECT case_id, plugin, 'timer', name, jsonb_build_object('due', due_at, 'data', data), $1::timestamptz, "
    "$1::timestamptz FROM due";

// $1 now. Attempts claimed before whose end was never recorded: the hub
// stopped while the hook ran (crashed in it, or was killed).
constexpr const char* kCountInterrupted =
    "UPDATE hook_tasks t SET running = false, interrupted = t.interrupted + 1, "
    "last_error = 'attempt ' || t.attempts || ' never finished: the hub stopped while the hook ran' "
    "FROM cases c WHERE t.state = 'pending' AND t.running AND t.next_attempt_at <= $1::timestamptz "
    "AND c.id = t.case_id RETURNING t.id, t.case_id, c.type, t.plugin, t.hook, t.last_error";

// $1 now, $2 max attempts, $3 max interrupted attempts.
constexpr const char* kParkExhausted =
    "UPDATE hook_tasks t SET state = 'parked', lease_owner = NULL, lease_until = NULL, parked_at = $1::timestamptz, "
    "last_error = CASE WHEN t.interrupted >= $3::int "
    "  THEN 'parked as poison: the hub stopped ' || t.interrupted || ' times while this hook ran (a crash in the "
    "plugin?); fix or replace the plugin, then replay it' "
    "  ELSE 'gave up after ' || t.attempts || ' attempts: ' || coalesce(t.last_error, 'no error recorded') END "
    "FROM cases c WHERE t.state = 'pending' AND (t.attempts >= $2::int OR t.interrupted >= $3::int) "
    "AND t.next_attempt_at <= $1::timestamptz "
    "AND c.id = t.case_id RETURNING t.id, t.case_id, c.type, t.plugin, t.hook, t.last_error";

// $1 now, $2 hub id, $3 limit. Backoff: 2^attempts seconds, also the lease.
constexpr const char* kClaim =
    "WITH due AS (SELECT t.id FROM hook_tasks t WHERE t.state = 'pending' AND t.next_attempt_at <= $1::timestamptz "
    "  AND NOT EXISTS (SELECT 1 FROM hook_tasks e WHERE e.case_id = t.case_id AND e.state = 'pending' AND e.id < t.id) "
    "  ORDER BY t.id LIMIT $3::int FOR UPDATE SKIP LOCKED) "
    "UPDATE hook_tasks t SET attempts = t.attempts + 1, running = true, lease_owner = $2, "
    "  lease_until = $1::timestamptz + power(2, t.attempts + 1) * interval '1 second', "
    "  next_attempt_at = $1::timestamptz + power(2, t.attempts + 1) * interval '1 second' "
    "FROM due WHERE t.id = due.id "
    "RETURNING t.id, t.case_id, t.plugin, t.hook, coalesce(t.reply_id, 0), coalesce(t.timer_name, ''), "
    "  coalesce(t.timer_data, 'null')::text, t.attempts, t.retries, (extract(epoch FROM t.retry_since) * 1000000)::bigint";

// The attempt still belongs to the caller: the task is pending, marked
// running, with this attempt's count. $1 task id, $2 attempts.
constexpr const char* kThisAttempt = "t.id = $1 AND t.state = 'pending' AND t.running AND t.attempts = $2::int";

std::string param(std::int64_t v) { return std::to_string(v); }

// Ends the attempt with `set` (SQL assignments; $3 onwards are `extra`) if it
// is still the caller's; returns the case's type, or nullopt when superseded.
Result<std::optional<std::string>> end_attempt(PgConnection& db, const HookTask& task, const std::string& set,
                                               PgParams extra) {
  PgParams params = {param(task.id), param(task.attempts)};
  params.insert(params.end(), extra.begin(), extra.end());
  auto r = db.exec_params("UPDATE hook_tasks t SET running = false, " + set + " FROM cases c WHERE " + kThisAttempt +
                              " AND c.id = t.case_id RETURNING c.type",
                          params);
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(std::string(r->get(0, 0)));
}

Event task_event(const char* kind, const HookTask& task, const std::string& type, std::string reason) {
  return {kind, task.case_id, 0, 0, type, "plugin:" + task.plugin, "",
          {{"reason", std::move(reason)}, {"hook_task", task.id}}};
}

}  // namespace

Result<HookClaim> claim_hook_tasks(PgConnection& db, TimePoint now, const std::string& hub_id, int max_attempts,
                                   int max_interrupted, int limit) {
  HookClaim out;
  const std::string at = to_iso8601(now);
  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.status();
  if (auto r = db.exec_params(kTimersToTasks, {at}); !r.ok()) return r.status();
  auto interrupted = db.exec_params(kCountInterrupted, {at});
  if (!interrupted.ok()) return interrupted.status();
  for (int r = 0; r < interrupted->rows(); ++r)
    out.events.push_back({"hook_failed", int_at(*interrupted, r, 1), 0, 0, str_at(*interrupted, r, 2),
                          "plugin:" + str_at(*interrupted, r, 3), "",
                          {{"reason", str_at(*interrupted, r, 4) + " " + str_at(*interrupted, r, 5)}}});
  auto parked = db.exec_params(kParkExhausted, {at, std::to_string(max_attempts), std::to_string(max_interrupted)});
  if (!parked.ok()) return parked.status();
  for (int r = 0; r < parked->rows(); ++r) {
    out.events.push_back({"parked", int_at(*parked, r, 1), 0, 0, str_at(*parked, r, 2), "plugin:" + str_at(*parked, r, 3), "",
                          {{"reason", "hook " + str_at(*parked, r, 4) + " " + str_at(*parked, r, 5)},
                           {"hook_task", int_at(*parked, r, 0)}}});
    // An enriched case whose on_accepted gave up is still delivered, without its annex.
    if (str_at(*parked, r, 4) == "accepted")
      if (Status s = release_held_deliveries(db, int_at(*parked, r, 1), Json::object(), now); !s.ok()) return s;
  }
  auto claimed = db.exec_params(kClaim, {at, hub_id, std::to_string(limit)});
  if (!claimed.ok()) return claimed.status();
  for (int r = 0; r < claimed->rows(); ++r) {
    HookTask t{int_at(*claimed, r, 0), int_at(*claimed, r, 1), str_at(*claimed, r, 2), str_at(*claimed, r, 3),
               int_at(*claimed, r, 4), str_at(*claimed, r, 5), Json::parse(claimed->get(r, 6), nullptr, false),
               static_cast<int>(int_at(*claimed, r, 7)), static_cast<int>(int_at(*claimed, r, 8)), std::nullopt};
    if (!claimed->is_null(r, 9))
      t.retry_since = TimePoint(std::chrono::duration_cast<TimePoint::duration>(
          std::chrono::microseconds(int_at(*claimed, r, 9))));
    out.tasks.push_back(std::move(t));
  }
  if (Status s = insert_events(db, out.events, now); !s.ok()) return s;
  if (Status s = tx->commit(); !s.ok()) return s;  // the attempt is durable before any hook runs
  return out;
}

Result<CaseView> load_case(PgConnection& db, CaseId id) {
  auto r = db.exec_params(
      "SELECT type, origin, reference, compound, payload::text, coalesce(attachments::text, '') FROM cases WHERE id = $1",
      {std::to_string(id)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound("case " + std::to_string(id) + " does not exist");
  return CaseView{id, str_at(*r, 0, 0), str_at(*r, 0, 1), str_at(*r, 0, 2), str_at(*r, 0, 3),
                  Json::parse(r->get(0, 4), nullptr, false), parse_attachments(r->get(0, 5))};
}

Result<ReplyView> load_reply(PgConnection& db, std::int64_t reply_id) {
  auto r = db.exec_params(
      "SELECT delivery_id, sender, final, outcome, body::text, coalesce(attachments::text, '') FROM replies "
      "WHERE id = $1",
      {std::to_string(reply_id)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound("reply " + std::to_string(reply_id) + " does not exist");
  return ReplyView{reply_id, int_at(*r, 0, 0), str_at(*r, 0, 1), r->get(0, 2) == "t", str_at(*r, 0, 3),
                   Json::parse(r->get(0, 4), nullptr, false), parse_attachments(r->get(0, 5))};
}

Result<AppliedEffects> apply_effects(PgConnection& db, const HookTask& task, const HookEffects& effects,
                                     TimePoint now) {
  // First: the task's row is this transaction's, so no other hub claims it meanwhile.
  auto done = end_attempt(db, task, "state = 'done', lease_owner = NULL, lease_until = NULL", {});
  if (!done.ok()) return done.status();
  if (!*done) return AppliedEffects{AppliedEffects::Outcome::kSuperseded, {}};
  auto stale = write_plugin_state(db, task.plugin, task.case_id, effects, now);
  if (!stale.ok()) return stale.status();
  if (!stale->empty()) return AppliedEffects{AppliedEffects::Outcome::kStateChanged, std::move(*stale)};
  for (const auto& t : effects.timers) {
    auto r = t.due ? db.exec_params(
                         "INSERT INTO timers (plugin, case_id, name, due_at, data) VALUES ($1, $2, $3, $4::timestamptz, $5::jsonb) "
                         "ON CONFLICT (plugin, case_id, name) DO UPDATE SET due_at = excluded.due_at, data = excluded.data",
                         {task.plugin, std::to_string(task.case_id), t.name, to_iso8601(*t.due), t.data.dump()})
                   : db.exec_params("DELETE FROM timers WHERE plugin = $1 AND case_id = $2 AND name = $3",
                                    {task.plugin, std::to_string(task.case_id), t.name});
    if (!r.ok()) return r.status();
  }
  return AppliedEffects{};
}

Status release_held_deliveries(PgConnection& db, CaseId case_id, const Json& annex, TimePoint now) {
  if (!annex.empty()) {
    auto r = db.exec_params("UPDATE cases SET annex = $2::jsonb WHERE id = $1", {std::to_string(case_id), annex.dump()});
    if (!r.ok()) return r.status();
  }
  return db
      .exec_params("UPDATE deliveries SET state = 'pending', next_attempt_at = $2::timestamptz, "
                   "dispatched_at = $2::timestamptz WHERE case_id = $1 AND state = 'held'",
                   {std::to_string(case_id), to_iso8601(now)})
      .status();
}

Status record_hook_failure(PgConnection& db, const HookTask& task, const std::string& error, TimePoint now) {
  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.status();
  auto type = end_attempt(db, task, "last_error = $3", {error});
  if (!type.ok()) return type.status();
  if (!*type) return {};  // superseded
  Event e = task_event("hook_failed", task, **type, task.hook + " attempt " + std::to_string(task.attempts) + ": " + error);
  if (Status s = insert_events(db, {e}, now); !s.ok()) return s;
  return tx->commit();
}

Status record_hook_retry(PgConnection& db, const HookTask& task, const std::string& reason, TimePoint next_at,
                         TimePoint now) {
  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.status();
  const std::string at = to_iso8601(next_at);
  auto type = end_attempt(db, task,
                          "attempts = t.attempts - 1, retries = t.retries + 1, "
                          "retry_since = coalesce(t.retry_since, $5::timestamptz), last_error = $3, "
                          "next_attempt_at = $4::timestamptz, lease_owner = NULL, lease_until = NULL",
                          {"retry: " + reason, at, to_iso8601(now)});
  if (!type.ok()) return type.status();
  if (!*type) return {};
  const auto delay = std::chrono::duration_cast<std::chrono::seconds>(next_at - now).count();
  Event e = task_event("hook_retry", task, **type,
                       task.hook + " retry " + std::to_string(task.retries + 1) + ", next attempt in " +
                           std::to_string(delay) + " s: " + reason);
  e.detail["retry"] = task.retries + 1;
  e.detail["delay_seconds"] = delay;
  if (Status s = insert_events(db, {e}, now); !s.ok()) return s;
  return tx->commit();
}

Status give_up_retrying(PgConnection& db, const HookTask& task, const std::string& reason, TimePoint now) {
  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.status();
  auto type = end_attempt(db, task,
                          "attempts = t.attempts - 1, retries = t.retries + 1, "
                          "retry_since = coalesce(t.retry_since, $4::timestamptz), state = 'parked', "
                          "lease_owner = NULL, lease_until = NULL, parked_at = $4::timestamptz, last_error = $3",
                          {reason, to_iso8601(now)});
  if (!type.ok()) return type.status();
  if (!*type) return {};
  if (task.hook == "accepted")
    if (Status s = release_held_deliveries(db, task.case_id, Json::object(), now); !s.ok()) return s;
  if (Status s = insert_events(db, {task_event("parked", task, **type, "hook " + task.hook + " " + reason)}, now); !s.ok())
    return s;
  return tx->commit();
}

Status release_hook_attempt(PgConnection& db, const HookTask& task, const std::string& reason, TimePoint now) {
  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.status();
  auto type = end_attempt(db, task,
                          "attempts = t.attempts - 1, next_attempt_at = $3::timestamptz, lease_owner = NULL, "
                          "lease_until = NULL",
                          {to_iso8601(now)});
  if (!type.ok()) return type.status();
  if (!*type) return {};
  Event e = task_event("hook_deferred", task, **type,
                       task.hook + " attempt " + std::to_string(task.attempts) + " not counted: " + reason);
  if (Status s = insert_events(db, {e}, now); !s.ok()) return s;
  return tx->commit();
}

}  // namespace hub::store
