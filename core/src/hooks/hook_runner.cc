#include "hooks/hook_runner.h"

#include <spdlog/spdlog.h>

#include "hooks/hook_context.h"
#include "store/case_batch.h"
#include "util/time_format.h"

namespace hub::hooks {
namespace {
constexpr auto kTick = std::chrono::milliseconds(200);
constexpr int kClaimLimit = 100;
// How often the directory is checked for changes that became effective or
// were made by another hub.
constexpr auto kDirectoryCheck = std::chrono::seconds(1);
}  // namespace

HookRunner::HookRunner(std::string conninfo, std::string hub_id, const bus::CatalogHolder& catalog,
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
  for (const auto& task : claim->tasks) run_task(db, *catalog, task);
  return claim->tasks.size() >= static_cast<std::size_t>(kClaimLimit);
}

void HookRunner::run_task(store::PgConnection& db, const bus::Catalog& catalog, const store::HookTask& task) {
  Status s = call_hook(db, catalog, task);
  if (s.ok()) return;
  if (db_.check(s).code() == StatusCode::kUnavailable) return;  // retried after the backoff
  const std::string error = s.message();
  spdlog::warn("hook runner: plugin {} {} hook for case {} failed (attempt {} of {}): {}", task.plugin, task.hook,
               task.case_id, task.attempts, kMaxAttempts, error);
  if (Status r = record_hook_failure(db, task, error, clock_.now()); !r.ok()) db_.check(r);
}

Status HookRunner::call_hook(store::PgConnection& db, const bus::Catalog& catalog, const store::HookTask& task) {
  auto c = store::load_case(db, task.case_id);
  if (!c.ok()) return c.status();
  Plugin* plugin = catalog.case_type(c->type) ? catalog.case_type(c->type)->impl : nullptr;
  if (plugin == nullptr) return Status::NotFound("case type " + c->type + " has no plugin in the current config");
  HookContextImpl ctx(db, task.plugin, task.case_id, clock_.now(), catalog.directory());
  Status s;
  if (task.hook == "accepted") {
    s = plugin->on_accepted(ctx, *c);
  } else if (task.hook == "reply") {
    auto r = store::load_reply(db, task.reply_id);
    if (!r.ok()) return r.status();
    s = plugin->on_reply(ctx, *c, *r);
  } else {
    const Json& due = task.timer_data.is_object() ? task.timer_data : Json::object();
    s = plugin->on_timer(ctx, *c, TimerView{task.timer_name, clock_.now(), due.value("data", Json())});
  }
  if (!ctx.read_error().ok()) return ctx.read_error();
  if (!s.ok()) return s;
  return commit_effects(db, catalog, task, *c, ctx.effects());
}

namespace {

// Who receives a follow-up: the units the plugin named, or the routes.
Result<router::Decision> decide(const bus::Catalog& catalog, const FollowUpCase& f, const CaseView& c) {
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

Status HookRunner::commit_effects(store::PgConnection& db, const bus::Catalog& catalog, const store::HookTask& task,
                                  const CaseView& parent, const HookEffects& effects) {
  store::BatchInput follow_ups;
  for (const auto& f : effects.follow_ups) {
    const auto* type = catalog.case_type(f.type);
    if (type == nullptr) return Status::InvalidArgument("raise: case type " + f.type + " is not configured");
    if (!f.compound.empty() && catalog.directory().compound(f.compound) == nullptr)
      return Status::InvalidArgument("raise: follow-up " + f.type + " names unknown compound '" + f.compound + "'");
    CaseView c{0, f.type, store::kPluginOriginPrefix + task.plugin,
               std::to_string(parent.id) + "/" + task.hook + "/" + f.key, f.compound, f.payload};
    if (Problems problems = type->impl->validate(c); !problems.empty()) {
      std::string listed;
      for (const auto& p : problems) listed += " [" + p.pointer + " " + p.reason + "]";
      return Status::InvalidArgument("raise: follow-up " + f.type + " is invalid (fix the plugin):" + listed);
    }
    auto d = decide(catalog, f, c);
    if (!d.ok()) return d.status();
    follow_ups.cases.push_back({std::move(c), {}, std::move(d).value(), type->plugin, type->hooks, type->enriched});
  }
  std::vector<store::Event> events;
  for (const auto& change : effects.directory_changes) {
    if (catalog.directory().compound(change.compound) == nullptr)
      return Status::InvalidArgument("change_directory: unknown compound '" + change.compound + "'");
    if (change.field != "company" && change.field != "custodian")
      return Status::InvalidArgument("change_directory: cannot change '" + change.field +
                                     "' (expected company or custodian)");
    if (!change.unit.empty() && catalog.unit(change.unit) == nullptr)
      return Status::InvalidArgument("change_directory: unknown unit '" + change.unit + "'");
    events.push_back({"directory_changed", parent.id, 0, 0, parent.type, store::kPluginOriginPrefix + task.plugin, "",
                      {{"compound", change.compound}, {"field", change.field}, {"unit", change.unit},
                       {"effective_from", to_iso8601(change.effective_from)},
                       {"effective_from_local", to_local_minutes(change.effective_from)}}});
  }
  auto tx = store::Transaction::begin(db);
  if (!tx.ok()) return tx.status();
  if (Status s = store::apply_effects(db, task, effects, clock_.now()); !s.ok()) return s;
  if (Status s = store::insert_directory_changes(db, effects.directory_changes, parent.id, clock_.now()); !s.ok())
    return s;
  if (Status s = store::insert_events(db, events, clock_.now()); !s.ok()) return s;
  const auto* parent_type = catalog.case_type(parent.type);
  const bool releases = task.hook == "accepted" && parent_type != nullptr && parent_type->enriched;
  if (releases)
    if (Status s = store::release_held_deliveries(db, parent.id, effects.annex, clock_.now()); !s.ok()) return s;
  if (!follow_ups.cases.empty()) {
    auto out = store::write_batch(db, follow_ups, clock_.now());
    if (!out.ok()) return out.status();
    events.insert(events.end(), out->events.begin(), out->events.end());
  }
  if (Status s = tx->commit(); !s.ok()) return s;
  log_.write(events);
  if (!effects.directory_changes.empty()) refresh_directory_(db);
  if (!follow_ups.cases.empty() || releases) committed_();
  return {};
}

}  // namespace hub::hooks
