// hooks/hook_runner.cc: claiming hook tasks, running hooks, committing or recording each outcome.
#include "hooks/hook_runner.h"

#include <spdlog/spdlog.h>

#include "hooks/hook_context.h"
#include "hooks/retry_policy.h"
#include "store/case_batch.h"
#include "util/time_format.h"

namespace hub::hooks {
namespace {
constexpr auto kTick = std::chrono::milliseconds(200);
constexpr int kClaimLimit = 100;
// How often the directory is checked for changes that became effective or
// were made by another hub.
constexpr auto kDirectoryCheck = std::chrono::seconds(1);

using Kind = HookOutcome::Kind;

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace

HookRunner::HookRunner(std::string conninfo, std::string hub_id, const catalog::CatalogHolder& catalog,
                       const log::RoutingLog& log, const Clock& clock, std::function<void()> committed,
                       std::function<void(store::PgConnection&)> refresh_directory)
    : db_(std::move(conninfo), "hook runner"), hub_id_(std::move(hub_id)), catalog_(catalog), log_(log),
      clock_(clock), committed_(std::move(committed)), refresh_directory_(std::move(refresh_directory)) {}

HookRunner::~HookRunner() { stop(); }

void HookRunner::start() { thread_ = std::thread([this] { run(); }); }

void HookRunner::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void HookRunner::kick() {
  {
    std::lock_guard lock(mu_);
    kicked_ = true;
  }
  wake_.notify_one();
}

void HookRunner::run() {
  bool more = false;
  auto next_directory_check = std::chrono::steady_clock::now();
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (!more) wake_.wait_for(lock, kTick, [&] { return kicked_ || stopping_; });
      if (stopping_) return;
      kicked_ = false;
    }
    store::PgConnection* db = db_.get();
    if (db != nullptr && !release_unreachable(*db)) db = nullptr;
    if (db != nullptr && std::chrono::steady_clock::now() >= next_directory_check) {
      refresh_directory_(*db);
      next_directory_check = std::chrono::steady_clock::now() + kDirectoryCheck;
    }
    more = db != nullptr && run_once(*db);
  }
}

bool HookRunner::run_once(store::PgConnection& db) {
  auto claim = store::claim_hook_tasks(db, clock_.now(), hub_id_, kMaxAttempts, kMaxInterrupted, kClaimLimit);
  if (!claim.ok()) {
    if (db_.check(claim.status()).code() != StatusCode::kUnavailable)
      spdlog::error("hook runner: claim failed: {}", claim.status().message());
    return false;
  }
  log_.write(claim->events);
  if (!claim->events.empty()) committed_();  // parked on_accepted tasks release held deliveries
  const auto catalog = catalog_.get();
  for (std::size_t i = 0; i < claim->tasks.size(); ++i) {
    if (run_task(db, *catalog, claim->tasks[i])) continue;
    // The connection is gone (and `db` with it): the claimed attempts left never ran.
    for (std::size_t j = i + 1; j < claim->tasks.size(); ++j)
      unreleased_.emplace_back(claim->tasks[j], "the database became unreachable before the hook ran");
    return false;
  }
  return claim->tasks.size() >= static_cast<std::size_t>(kClaimLimit);
}

bool HookRunner::run_task(store::PgConnection& db, const catalog::Catalog& catalog, const store::HookTask& task) {
  HookOutcome outcome = call_hook(db, catalog, task);
  for (int rerun = 1; outcome.kind == Kind::kRerun && rerun <= kMaxReruns; ++rerun) {
    spdlog::info("hook runner: plugin {} {} hook for case {} runs again ({} of {}): {}", task.plugin, task.hook,
                 task.case_id, rerun, kMaxReruns, outcome.message);
    outcome = call_hook(db, catalog, task);
  }
  return record(db, task, outcome);
}

bool HookRunner::record(store::PgConnection& db, const store::HookTask& task, const HookOutcome& outcome) {
  const TimePoint now = clock_.now();
  std::string reason;  // for the hub's failures: why the attempt is not counted
  Status s;
  switch (outcome.kind) {
    case Kind::kDone:
    case Kind::kSuperseded:
      return true;
    case Kind::kDatabaseDown:  // `db` is gone: uncounted once the database is back
      unreleased_.emplace_back(task, "the database failed while the hook ran or its effects were committed (" +
                                         outcome.message + ")");
      return false;
    case Kind::kRetry: {
      const RetryPlan plan = plan_retry(task.retries, task.retry_since, now, outcome.retry_after);
      if (plan.give_up) {
        spdlog::warn("hook runner: plugin {} {} hook for case {} parked: {}: {}", task.plugin, task.hook, task.case_id,
                     plan.why, outcome.message);
        s = store::give_up_retrying(db, task, plan.why + ": " + outcome.message, now);
      } else {
        spdlog::info("hook runner: plugin {} asks to retry its {} hook for case {} in {} s: {}", task.plugin,
                     task.hook, task.case_id, std::chrono::duration_cast<std::chrono::seconds>(plan.delay).count(),
                     outcome.message);
        s = store::record_hook_retry(db, task, outcome.message, now + plan.delay, now);
      }
      break;
    }
    case Kind::kError:
      spdlog::warn("hook runner: plugin {} {} hook for case {} failed (attempt {} of {}): {}", task.plugin, task.hook,
                   task.case_id, task.attempts, kMaxAttempts, outcome.message);
      s = store::record_hook_failure(db, task, outcome.message, now);
      break;
    case Kind::kRerun:
      reason = "its commit lost a race " + std::to_string(kMaxReruns + 1) + " times in a row (" + outcome.message +
               "); it runs again";
      spdlog::warn("hook runner: plugin {} {} hook for case {}: {}", task.plugin, task.hook, task.case_id, reason);
      s = store::release_hook_attempt(db, task, reason, now);
      break;
  }
  if (s.ok()) return true;
  if (db_.check(s).code() == StatusCode::kUnavailable) {
    unreleased_.emplace_back(task, "the database failed while the attempt's end was recorded (" + s.message() + ")");
    return false;
  }
  spdlog::error("hook runner: could not record the end of plugin {} {} hook for case {}: {}", task.plugin, task.hook,
                task.case_id, s.message());
  return true;
}

bool HookRunner::release_unreachable(store::PgConnection& db) {
  while (!unreleased_.empty()) {
    const auto& [task, reason] = unreleased_.back();
    Status s = store::release_hook_attempt(db, task, reason, clock_.now());
    if (db_.check(s).code() == StatusCode::kUnavailable) return false;
    if (!s.ok())
      spdlog::error("hook runner: could not uncount plugin {} {} hook attempt for case {}: {}", task.plugin, task.hook,
                    task.case_id, s.message());
    unreleased_.pop_back();
  }
  return true;
}

HookOutcome HookRunner::store_failure(const Status& s) {
  if (db_.check(s).code() == StatusCode::kUnavailable) return HookOutcome::Of(Kind::kDatabaseDown, s.message());
  if (lost_race(s)) return HookOutcome::Of(Kind::kRerun, s.message());
  return HookOutcome::Of(Kind::kError, s.message());
}

HookOutcome HookRunner::call_hook(store::PgConnection& db, const catalog::Catalog& catalog, const store::HookTask& task) {
  auto c = store::load_case(db, task.case_id);
  if (!c.ok()) return store_failure(c.status());
  Plugin* plugin = catalog.case_type(c->type) ? catalog.case_type(c->type)->impl : nullptr;
  if (plugin == nullptr)
    return HookOutcome::Of(Kind::kError, "case type " + c->type + " has no plugin in the current config");
  HookContextImpl ctx(db, task.plugin, task.case_id, clock_.now(), catalog.directory());
  HookResult answer;
  if (task.hook == "accepted") {
    answer = plugin->on_accepted(ctx, *c);
  } else if (task.hook == "reply") {
    auto r = store::load_reply(db, task.reply_id);
    if (!r.ok()) return store_failure(r.status());
    answer = plugin->on_reply(ctx, *c, *r);
  } else {
    const Json& due = task.timer_data.is_object() ? task.timer_data : Json::object();
    answer = plugin->on_timer(ctx, *c, TimerView{task.timer_name, clock_.now(), due.value("data", Json())});
  }
  // A read that failed gave the hook nothing to go on: the store's failure decides.
  if (!ctx.read_error().ok()) return store_failure(ctx.read_error());
  if (!answer.ok()) return HookOutcome::FromPlugin(answer);
  return commit_effects(db, catalog, task, *c, ctx.effects());
}

namespace {

// Who receives a follow-up: the units the plugin named, or the routes.
Result<router::Decision> decide(const catalog::Catalog& catalog, const FollowUpCase& f, const CaseView& c) {
  if (f.to.empty() && f.cc.empty()) return catalog.router().route(c, catalog.directory());
  router::Decision d;
  d.route_id = "plugin";
  auto add = [&](const std::string& unit, bool notice) -> Status {
    if (catalog.unit(unit) == nullptr)
      return Status::InvalidArgument("raise: follow-up " + f.type + " names unknown unit '" + unit + "'");
    for (const auto& r : d.recipients)
      if (r.unit == unit) return {};
    d.recipients.push_back({unit, notice});
    return {};
  };
  for (const auto& u : f.to)
    if (Status s = add(u, false); !s.ok()) return s;
  for (const auto& u : f.cc)
    if (Status s = add(u, true); !s.ok()) return s;
  return d;
}

}  // namespace

HookOutcome HookRunner::commit_effects(store::PgConnection& db, const catalog::Catalog& catalog,
                                       const store::HookTask& task, const CaseView& parent,
                                       const store::HookEffects& effects) {
  // Effects the hub refuses are the plugin's error.
  store::BatchInput follow_ups;
  for (const auto& f : effects.follow_ups) {
    const auto* type = catalog.case_type(f.type);
    if (type == nullptr) return HookOutcome::Of(Kind::kError, "raise: case type " + f.type + " is not configured");
    if (!f.compound.empty() && catalog.directory().compound(f.compound) == nullptr)
      return HookOutcome::Of(Kind::kError,
                             "raise: follow-up " + f.type + " names unknown compound '" + f.compound + "'");
    CaseView c{0, f.type, store::kPluginOriginPrefix + task.plugin,
               std::to_string(parent.id) + "/" + task.hook + "/" + f.key, f.compound, f.payload};
    if (Problems problems = type->impl->validate(c); !problems.empty()) {
      std::string listed;
      for (const auto& p : problems) listed += " [" + p.pointer + " " + p.reason + "]";
      return HookOutcome::Of(Kind::kError, "raise: follow-up " + f.type + " is invalid (fix the plugin):" + listed);
    }
    auto d = decide(catalog, f, c);
    if (!d.ok()) return HookOutcome::Of(Kind::kError, d.status().message());
    follow_ups.cases.push_back(
        {std::move(c), {}, std::move(d).value(), type->plugin, type->hooks, type->enriched, protocol::AnswerTo{}});
  }
  std::vector<store::Event> events;
  for (const auto& change : effects.directory_changes) {
    if (catalog.directory().compound(change.compound) == nullptr)
      return HookOutcome::Of(Kind::kError, "change_directory: unknown compound '" + change.compound + "'");
    if (change.field != "company" && change.field != "custodian")
      return HookOutcome::Of(Kind::kError, "change_directory: cannot change '" + change.field +
                                               "' (expected company or custodian)");
    if (!change.unit.empty() && catalog.unit(change.unit) == nullptr)
      return HookOutcome::Of(Kind::kError, "change_directory: unknown unit '" + change.unit + "'");
    events.push_back({"directory_changed", parent.id, 0, 0, parent.type, store::kPluginOriginPrefix + task.plugin, "",
                      {{"compound", change.compound}, {"field", change.field}, {"unit", change.unit},
                       {"effective_from", to_iso8601(change.effective_from)},
                       {"effective_from_local", to_local_minutes(change.effective_from)}}});
  }
  const auto* parent_type = catalog.case_type(parent.type);
  const bool releases = task.hook == "accepted" && parent_type != nullptr && parent_type->enriched;

  // The transaction ends (commit or rollback) before any failure is classified,
  // which may drop the connection.
  store::AppliedEffects applied;
  const Status written = [&]() -> Status {
    auto tx = store::Transaction::begin(db);
    if (!tx.ok()) return tx.status();
    auto a = store::apply_effects(db, task, effects, clock_.now());
    if (!a.ok()) return a.status();
    applied = std::move(*a);
    if (applied.outcome != store::AppliedEffects::Outcome::kApplied) return tx->rollback();
    if (Status s = store::insert_directory_changes(db, effects.directory_changes, parent.id, clock_.now()); !s.ok())
      return s;
    if (Status s = store::insert_events(db, events, clock_.now()); !s.ok()) return s;
    if (releases)
      if (Status s = store::release_held_deliveries(db, parent.id, effects.annex, clock_.now()); !s.ok()) return s;
    if (!follow_ups.cases.empty()) {
      auto out = store::write_batch(db, follow_ups, clock_.now());
      if (!out.ok()) return out.status();
      events.insert(events.end(), out->events.begin(), out->events.end());
    }
    return tx->commit();
  }();
  if (!written.ok()) return store_failure(written);
  if (applied.outcome == store::AppliedEffects::Outcome::kSuperseded) {
    spdlog::info("hook runner: plugin {} {} hook for case {}: attempt {} was taken over by another hub after its "
                 "lease ran out; its effects are dropped", task.plugin, task.hook, task.case_id, task.attempts);
    return HookOutcome::Of(Kind::kSuperseded, "");
  }
  if (applied.outcome == store::AppliedEffects::Outcome::kStateChanged)
    return HookOutcome::Of(Kind::kRerun, "another hook changed the state this one read: " + joined(applied.stale));
  log_.write(events);
  if (!effects.directory_changes.empty()) refresh_directory_(db);
  if (!follow_ups.cases.empty() || releases) committed_();
  return HookOutcome::Done();
}

}  // namespace hub::hooks
