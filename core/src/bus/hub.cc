#include "bus/hub.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include <spdlog/spdlog.h>

#include "bus/directory_refresh.h"
#include "bus/reload_plan.h"
#include "plugin_host/settings_check.h"
#include "keys/request_signature.h"
#include "store/migrations.h"
#include "store/runtime_grants.h"
#include "store/unit_credentials.h"
#include "store/unit_status.h"

namespace hub::bus {
namespace {

constexpr int kCalendarWarningDays = 60;
// Credential checks: adapters' threads share this many connections, and wait
// this long for one before answering "unavailable".
constexpr std::size_t kCredentialConnections = 4;
constexpr auto kCredentialConnectionWait = std::chrono::seconds(2);

// A clean stop waits for acks until none came for kAckQuiet, at most kAckGrace.
constexpr auto kAckQuiet = std::chrono::milliseconds(100);
constexpr auto kAckGrace = std::chrono::seconds(2);

// Refuses to start when today's cases could not get their deadlines; warns
// while there is still time to add the next year's holidays.
Status check_calendar(const lifecycle::Policy& policy, TimePoint now) {
  if (const std::string problem = policy.check_coverage(now); !problem.empty())
    return Status::InvalidArgument("calendar: " + problem);
  if (const auto left = policy.days_left_in_calendar(now); left && *left < kCalendarWarningDays)
    spdlog::warn("calendar: it ends in {} days; add the next year's holidays (State Council notice) before then, "
                 "or working-day deadlines cannot be computed",
                 *left);
  return {};
}

}  // namespace

Hub::Hub(HubOptions options) : options_(std::move(options)), clock_(options_.clock ? options_.clock : &system_clock_) {}

Hub::~Hub() { stop(); }

Result<std::unique_ptr<Hub>> Hub::start(HubOptions options) {
  std::unique_ptr<Hub> hub(new Hub(std::move(options)));
  if (Status s = hub->start_all(); !s.ok()) {
    hub->stop();
    return s;
  }
  return hub;
}

Status Hub::start_all() {
  const auto& d = options_.deployment;
  std::vector<std::string> disabled_at_start;
  {
    const bool two_roles = !options_.owner_conninfo.empty() && options_.owner_conninfo != options_.conninfo;
    auto db = store::PgConnection::connect(two_roles ? options_.owner_conninfo : options_.conninfo);
    if (!db.ok())
      return Status(db.status().code(), std::string("cannot reach the database") + (two_roles ? " as its owner" : "") +
                                            ": " + db.status().message() +
                                            " (check hub.database in the config, or XH_DATABASE_URL" +
                                            (two_roles ? " and XH_DATABASE_OWNER_URL)" : ")"));
    auto version = store::migrate(*db);
    if (!version.ok()) return version.status();
    spdlog::info("store: schema version {}", *version);
    if (two_roles) {
      auto runtime = store::grant_runtime_rights(*db, options_.conninfo);
      if (!runtime.ok())
        return Status(runtime.status().code(), "the hub's runtime role: " + runtime.status().message());
      if (!runtime->empty()) spdlog::info("store: the hub works as role {}, the schema's owner migrates", *runtime);
    }
    if (Status s = load_credential_key(*db); !s.ok()) return s;
    auto plugins = plugin_host::PluginSet::load(d.plugins, options_.module_dir);
    if (!plugins.ok()) return plugins.status();
    plugins_ = std::move(plugins.value());
    auto catalog = catalog::Catalog::build(d, *plugins_);
    if (!catalog.ok()) return catalog.status();
    catalog_ = std::make_unique<catalog::CatalogHolder>(std::move(catalog.value()));
    // Nonces are written with synchronous_commit off (docs/ARCHITECTURE.md, "Credentials of HTTP units").
    credential_pool_ = std::make_unique<store::PgPool>(options_.conninfo, kCredentialConnections,
                                                       kCredentialConnectionWait, "SET synchronous_commit = off");
    credential_check_ = std::make_unique<CredentialCheck>(*credential_pool_, *credential_key_, *catalog_, *clock_);
    if (Status s = check_calendar(catalog_->get()->lifecycle(), clock_->now()); !s.ok()) return s;
    // Routes see the stored directory changes from the first case on.
    if (Status s = DirectoryRefresher(*catalog_, *clock_).refresh(*db); !s.ok()) return s;
    auto disabled = store::load_disabled_units(*db);
    if (!disabled.ok()) return disabled.status();
    disabled_at_start = std::move(disabled.value());
  }

  std::vector<NamedAdapter> adapters;
  for (const auto& a : d.adapters) {
    auto loaded = plugin_host::load_adapter(plugin_host::resolve_module_path(a.file, options_.module_dir), a.sha256);
    if (!loaded.ok())
      return Status(loaded.status().code(), a.where.file + ":" + std::to_string(a.where.line) + ": adapter " + a.name +
                                                ": " + loaded.status().message());
    adapters.push_back(NamedAdapter{a.name, &***loaded});
    adapters_.push_back(std::move(loaded.value()));
  }
  quotas_ = std::make_unique<UnitQuotas>();
  quotas_->configure(d, std::chrono::steady_clock::now());
  outbox_ = std::make_unique<Outbox>(adapters, *catalog_,
                                     [quotas = quotas_.get()](const std::string& unit) {
                                       quotas->expect_ack(unit, std::chrono::steady_clock::now());
                                     });
  disabled_units_ = std::make_unique<DisabledUnits>(*outbox_, [this] { dispatcher_->wake(); });
  disabled_units_->replace(disabled_at_start);

  auto logger = spdlog::get("routing");
  if (!logger) logger = spdlog::default_logger();
  const catalog::CatalogHolder* holder = catalog_.get();
  routing_log_ = std::make_unique<log::RoutingLog>(
      logger, [holder](const std::string& type) { return holder->get()->case_type_name(type); });
  presence_ = std::make_unique<Presence>(std::chrono::seconds(d.hub.heartbeat_timeout_seconds));
  queue_ = std::make_unique<CommitQueue>(options_.commit_queue);
  dispatcher_ = std::make_unique<Dispatcher>(options_.conninfo, d.hub.id, *catalog_, *presence_, *disabled_units_,
                                             *outbox_, *routing_log_, *clock_, options_.dispatch_poll);
  for (const auto lane : {CommitQueue::Lane::kAll, CommitQueue::Lane::kCasesAndAcks})
    committers_.push_back(std::make_unique<Committer>(options_.conninfo, *queue_, *outbox_, *routing_log_, *clock_,
                                                      *catalog_, *presence_, *disabled_units_, *dispatcher_,
                                                      [this] { hook_runner_->kick(); }, lane));
  directory_ = std::make_unique<DirectoryRefresher>(*catalog_, *clock_);
  hook_runner_ = std::make_unique<hooks::HookRunner>(
      options_.conninfo, d.hub.id, *catalog_, *routing_log_, *clock_, [this] { dispatcher_->kick(); },
      [this](store::PgConnection& db) {
        if (Status s = directory_->refresh(db); !s.ok())
          spdlog::warn("directory: stored changes not applied yet: {}", s.message());
      });
  // Units are told to beat three times per timeout, so one lost beat never makes them offline.
  const int heartbeat_seconds = std::max(1, d.hub.heartbeat_timeout_seconds / 3);
  const config::MessageLimits& l = d.hub.limits;
  const protocol::JsonLimits json_limits{l.max_depth, l.max_values, l.max_object_keys, l.max_array_items,
                                         l.max_string_bytes};
  case_reads_ = std::make_unique<CaseReads>(options_.conninfo, CaseReadsLimits{}, *catalog_, *outbox_);
  files_ = std::make_unique<AttachmentService>(options_.conninfo, AttachmentSettings{}, *catalog_, *outbox_, *clock_);
  intake_ = std::make_unique<Intake>(IntakeSettings{d.hub.id, d.hub.max_payload_bytes, json_limits, heartbeat_seconds},
                                     *catalog_, *quotas_, *queue_, *case_reads_, *files_,
                                     *presence_, *outbox_, [this](const std::string& unit) { dispatcher_->unit_arrived(unit); });
  case_reads_->record_refusals_with(
      [this](const std::string& unit, Json detail) { intake_->record_rejection(unit, "", std::move(detail)); });
  intake_pool_ = std::make_unique<IntakePool>(
      options_.intake_pool, [this](const std::string& unit, const protocol::AnswerTo& to, const std::string& body) {
        try {
          intake_->handle(unit, to, body);
        } catch (const std::exception& e) {
          spdlog::error("intake: message from {} dropped after an internal error: {}", unit, e.what());
        }
      });
  watcher_ = std::make_unique<DeadlineWatcher>(options_.conninfo, *catalog_, *routing_log_, *clock_,
                                               [this] { dispatcher_->kick(); });
  const auto reload_disabled = [this](store::PgConnection& db) { return disabled_units_->reload(db); };
  peer_wake_ = std::make_unique<PeerWake>(options_.conninfo, d.hub.id, [this] { dispatcher_->wake(); },
                                          reload_disabled);
  dispatcher_->start();
  peer_wake_->start();
  for (auto& c : committers_) c->start();
  hook_runner_->start();
  watcher_->start();

  auto ops = ops::OperatorService::start(d.hub.operator_socket, d.hub.operator_group, options_.conninfo, *catalog_,
                                         *credential_key_, *clock_, [this] { dispatcher_->kick(); }, reload_disabled);
  if (!ops.ok()) return ops.status();
  operator_service_ = std::move(ops.value());
  if (Status s = start_adapters(); !s.ok()) return s;
  // Adapters know their reach once started: units reached at any time are
  // online from now on, and their pending work goes out.
  presence_->set_always_online(outbox_->reachable_any_time());
  dispatcher_->wake();
  return {};
}

Status Hub::load_credential_key(store::PgConnection& db) {
  const std::string& path = options_.deployment.hub.credentials.key_file;
  bool created = false;
  auto key = keys::CredentialKey::load_or_create(path, created);
  if (!key.ok()) return Status(key.status().code(), "hub.credentials.key_file: " + key.status().message());
  auto stored = store::stored_key_check(db);
  if (!stored.ok()) return Status(stored.status().code(), "credentials key check: " + stored.status().message());
  const auto sealed = *stored ? keys::from_hex(**stored, (*stored)->size() / 2) : std::nullopt;
  if (!*stored || (sealed && key->opens_check_value(*sealed))) {
    if (created)
      spdlog::warn("credentials: created the master key file {} (mode 0600); back it up apart from the database: "
                   "without it no unit's signing secret can be checked",
                   path);
    credential_key_.emplace(std::move(key.value()));
    return {};
  }
  if (created) {
    std::error_code ec;
    std::filesystem::remove(path, ec);  // useless, and it would hide the missing file at the next start
    return Status::NotFound("hub.credentials.key_file " + path + " is missing, and this database holds unit secrets "
                            "sealed with it: restore the file from its backup (every hub sharing one database needs "
                            "the same file)");
  }
  return Status::PermissionDenied("hub.credentials.key_file " + path + " is not the master key this database's unit "
                                  "secrets were sealed with: put back the file the database was used with (from its "
                                  "backup); every hub sharing one database needs the same file");
}

Status Hub::start_adapters() {
  const auto& d = options_.deployment;
  const PortTargets targets{
      [this](const Credential& credential) { return authenticate(credential); },
      [this](const std::string& unit, const protocol::AnswerTo& to, std::string body) {
        on_message(unit, to, std::move(body));
      },
      [this](const std::string& unit, const protocol::AnswerTo& to, std::string body, std::string data) {
        on_message_with_data(unit, to, std::move(body), std::move(data));
      }};
  for (std::size_t i = 0; i < d.adapters.size(); ++i) {
    Adapter& adapter = **adapters_[i];
    const auto& cfg = d.adapters[i];
    auto settings = plugin_host::check_settings(adapter.info().settings, cfg.settings, "adapter " + cfg.name);
    if (!settings.ok()) return settings.status();
    ports_.push_back(std::make_unique<AdapterPort>(i, cfg.name, adapter.info().answers_each_request, targets));
    if (Status s = adapter.start(*settings, *ports_.back()); !s.ok())
      return Status(s.code(), "adapter " + cfg.name + ": " + s.message());
    spdlog::info("adapter {} started ({})", cfg.name, cfg.settings.dump());
  }
  return {};
}

void Hub::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (peer_wake_) peer_wake_->stop();
  if (dispatcher_) dispatcher_->stop();    // nothing new goes out, so no new acks are owed
  if (queue_) {
    queue_->refuse_new_work();  // new cases, replies, requests: "busy, retry"
    // Acks of what was sent keep arriving for a moment: commit them too, or
    // those deliveries are sent again after the restart.
    const auto give_up = std::chrono::steady_clock::now() + kAckGrace;
    while ((!queue_->quiet_for(kAckQuiet) || (intake_pool_ && !intake_pool_->idle())) &&
           std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (intake_pool_) intake_pool_->stop();  // what was read reaches the queue (and is answered "busy")
    queue_->close();
  }
  for (auto& c : committers_) c->join();  // everything taken in is committed and answered
  if (case_reads_) case_reads_->stop();  // every read taken in is answered
  if (files_) files_->stop();            // every chunk and fetch taken in is answered
  for (auto& a : adapters_) (*a)->stop();
  if (operator_service_) operator_service_->stop();
  if (watcher_) watcher_->stop();
  if (hook_runner_) hook_runner_->stop();
  if (dispatcher_) dispatcher_->stop();
  spdlog::info("hub stopped");
}

Status Hub::reload(config::Deployment next) {
  std::lock_guard lock(reload_mu_);
  const auto running = catalog_->get();
  if (const auto fixed = changes_needing_restart(running->deployment(), next); !fixed.empty()) {
    std::string listed;
    for (const auto& f : fixed) listed += (listed.empty() ? "" : "; ") + f;
    return Status::InvalidArgument("these changes need a restart of hubd (systemctl restart or SIGTERM and start): " +
                                   listed);
  }
  auto catalog = catalog::Catalog::build(next, *plugins_);
  if (!catalog.ok()) return catalog.status();
  if (Status s = check_calendar((*catalog)->lifecycle(), clock_->now()); !s.ok()) return s;
  auto db = store::PgConnection::connect(options_.conninfo);
  if (!db.ok())
    return Status(db.status().code(), "the database is unreachable, so the directory's stored changes cannot be "
                                      "applied to the new configuration: " + db.status().message() +
                                      "; send SIGHUP again once it is back");
  if (Status s = directory_->install(*catalog, *db); !s.ok()) return s;
  quotas_->configure(next, std::chrono::steady_clock::now());
  presence_->set_always_online(outbox_->reachable_any_time());
  spdlog::info("reload: applied {}: {}", next.file, describe_reload(running->deployment(), next));
  dispatcher_->kick();
  return {};
}

Identity Hub::authenticate(const Credential& credential) const {
  if (credential.kind != Credential::Kind::kCurveKey) return credential_check_->check(credential);
  std::string unit = catalog_->get()->unit_for_key(credential.id, clock_->now());
  if (unit.empty())
    return Identity{"", protocol::code::kKeyRevoked,
                    "this key belongs to no unit of this hub (removed or replaced by the operator): use your "
                    "unit's current key, or ask the hub's operator"};
  return Identity{std::move(unit), "", ""};
}

void Hub::on_message(const std::string& unit, const protocol::AnswerTo& to, std::string body) {
  if (disabled_units_->refuse(unit, to)) return;  // disabled by an operator: answered, nothing read or kept
  if (!intake_->admit(unit, to, body)) return;
  if (const auto admission = intake_pool_->submit(unit, to, std::move(body)); admission != IntakePool::Admission::kQueued)
    intake_->not_pooled(unit, to, admission);
}

void Hub::on_message_with_data(const std::string& unit, const protocol::AnswerTo& to, std::string body,
                               std::string data) {
  if (disabled_units_->refuse(unit, to)) return;
  if (!intake_->admit(unit, to, body)) return;
  files_->upload(unit, to, std::move(body), std::move(data));
}

}  // namespace hub::bus
