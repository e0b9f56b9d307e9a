#include "store/hook_tasks.h"

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
    "  coalesce(t.timer_data, 'null')::text, t.attempts";

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
               static_cast<int>(int_at(*claimed, r, 7))};
    out.tasks.push_back(std::move(t));
  }
  if (Status s = insert_events(db, out.events, now); !s.ok()) return s;
  if (Status s = tx->commit(); !s.ok()) return s;  // the attempt is durable before any hook runs
  return out;
}

Result<CaseView> load_case(PgConnection& db, CaseId id) {
  auto r = db.exec_params("SELECT type, origin, reference, compound, payload::text FROM cases WHERE id = $1",
                          {std::to_string(id)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound("case " + std::to_string(id) + " does not exist");
  return CaseView{id, str_at(*r, 0, 0), str_at(*r, 0, 1), str_at(*r, 0, 2), str_at(*r, 0, 3),
                  Json::parse(r->get(0, 4), nullptr, false)};
}

Result<ReplyView> load_reply(PgConnection& db, std::int64_t reply_id) {
  auto r = db.exec_params("SELECT delivery_id, sender, final, outcome, body::text FROM replies WHERE id = $1",
                          {std::to_string(reply_id)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound("reply " + std::to_string(reply_id) + " does not exist");
  return ReplyView{reply_id, int_at(*r, 0, 0), str_at(*r, 0, 1), r->get(0, 2) == "t", str_at(*r, 0, 3),
                   Json::parse(r->get(0, 4), nullptr, false)};
}

Status apply_effects(PgConnection& db, const HookTask& task, const hooks::HookEffects& effects, TimePoint now) {
  const std::string at = to_iso8601(now);
  Json state = Json::array();
  for (const auto& [key, value] : effects.case_state) state.push_back({{"case_id", task.case_id}, {"key", key}, {"value", value}});
  for (const auto& [key, value] : effects.global_state) state.push_back({{"case_id", 0}, {"key", key}, {"value", value}});
  if (!state.empty()) {
    auto r = db.exec_params(
        "INSERT INTO plugin_state (plugin, case_id, key, value, updated_at) "
        "SELECT $1, case_id, key, value, $3::timestamptz FROM jsonb_to_recordset($2::jsonb) AS x(case_id bigint, key text, value jsonb) "
        "ON CONFLICT (plugin, case_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        {task.plugin, state.dump(), at});
    if (!r.ok()) return r.status();
  }
  for (const auto& t : effects.timers) {
    auto r = t.due ? db.exec_params(
                         "INSERT INTO timers (plugin, case_id, name, due_at, data) VALUES ($1, $2, $3, $4::timestamptz, $5::jsonb) "
                         "ON CONFLICT (plugin, case_id, name) DO UPDATE SET due_at = excluded.due_at, data = excluded.data",
                         {task.plugin, std::to_string(task.case_id), t.name, to_iso8601(*t.due), t.data.dump()})
                   : db.exec_params("DELETE FROM timers WHERE plugin = $1 AND case_id = $2 AND name = $3",
                                    {task.plugin, std::to_string(task.case_id), t.name});
    if (!r.ok()) return r.status();
  }
  return db.exec_params(
               "UPDATE hook_tasks SET state = 'done', running = false, lease_owner = NULL, lease_until = NULL WHERE id = $1",
               {std::to_string(task.id)})
      .status();
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
  auto c = load_case(db, task.case_id);
  auto r = db.exec_params("UPDATE hook_tasks SET last_error = $2, running = false WHERE id = $1",
                          {std::to_string(task.id), error});
  if (!r.ok()) return r.status();
  Status s = insert_events(db, {{"hook_failed", task.case_id, 0, 0, c.ok() ? c->type : "", "plugin:" + task.plugin, "",
                                 {{"reason", task.hook + " attempt " + std::to_string(task.attempts) + ": " + error},
                                  {"hook_task", task.id}}}},
                           now);
  if (!s.ok()) return s;
  return tx->commit();
}

}  // namespace hub::store
