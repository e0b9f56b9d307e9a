// bus/hub.h: the hub: wires config, store, plugins, adapters and workers.
//
// Lifecycle: Hub::start() migrates the schema (as the owner role, then grants
// the runtime role its rights when there are two), loads the credentials' master
// key file (bus/credential_check.h; created at the first start), loads plugins, builds the
// catalog, starts the committer, dispatcher, hook runner and deadline watcher,
// and finally the adapters (so nothing arrives before the hub can take it).
// stop() stops the dispatcher (nothing new goes out), refuses new work with
// "busy, retry" while it still takes acks until they stop coming (at most 2
// s), drains the commit queue (every case already taken in is committed and
// answered), then stops the adapters and the other workers.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bus/adapter_port.h"
#include "bus/case_reads.h"
#include "bus/commit_queue.h"
#include "bus/committer.h"
#include "bus/credential_check.h"
#include "bus/deadline_watcher.h"
#include "bus/directory_refresh.h"
#include "bus/disabled_units.h"
#include "bus/dispatcher.h"
#include "bus/intake.h"
#include "bus/intake_pool.h"
#include "bus/peer_wake.h"
#include "bus/presence.h"
#include "bus/unit_quotas.h"
#include "catalog/catalog_holder.h"
#include "config/model.h"
#include "hooks/hook_runner.h"
#include "hub/adapter.h"
#include "keys/credential_key.h"
#include "log/routing_log.h"
#include "ops/operator_service.h"
#include "plugin_host/plugin_set.h"
#include "store/pg_pool.h"

namespace hub::bus {

struct HubOptions {
  config::Deployment deployment;
  std::string conninfo;    // the database, as the role of every worker thread
  std::string module_dir;  // where plugin and adapter files are
  const Clock* clock = nullptr;  // null: the system clock
  CommitQueueLimits commit_queue = {};
  // The same database as the role owning the schema, for the migrations;
  // empty: conninfo (one role does everything). When it logs in as another
  // role than conninfo, that runtime role is granted its rights after the
  // migrations (store/runtime_grants.h).
  std::string owner_conninfo = {};
  // How often the dispatcher looks for work due without an announcement
  // (resends after their backoff; other hubs' work whose NOTIFY was lost).
  std::chrono::milliseconds dispatch_poll = std::chrono::milliseconds(200);
  // The threads reading units' messages, and how much may wait for them.
  IntakePoolLimits intake_pool = {};
};

class Hub final {
 public:
  static Result<std::unique_ptr<Hub>> start(HubOptions options);
  ~Hub();
  void stop();
  // Applies a reloaded configuration (bus/reload_plan.h says what it may
  // change) without dropping a connection. On error nothing changed and the
  // running configuration stays. Thread-safe.
  Status reload(config::Deployment next);

  // Which unit a credential belongs to now (every adapter asks, through its port).
  Identity authenticate(const Credential& credential) const;
  // A message from `unit`, whose answer goes `to` (from an adapter's port).
  void on_message(const std::string& unit, const protocol::AnswerTo& to, std::string body);
  // A chunk of an upload from `unit`: the quota counts its envelope as one
  // message (the upload's own bounds hold its bytes: bus/attachment_service.h).
  void on_message_with_data(const std::string& unit, const protocol::AnswerTo& to, std::string body,
                            std::string data);

 private:
  explicit Hub(HubOptions options);
  Status start_all();
  Status start_adapters();
  // Loads (or at the first start creates) hub.credentials.key_file and checks
  // that it is the key the database's secrets were sealed with.
  Status load_credential_key(store::PgConnection& db);

  HubOptions options_;
  SystemClock system_clock_;
  const Clock* clock_;
  std::unique_ptr<plugin_host::PluginSet> plugins_;
  std::unique_ptr<catalog::CatalogHolder> catalog_;
  std::optional<keys::CredentialKey> credential_key_;
  std::unique_ptr<store::PgPool> credential_pool_;        // connections of credential checks only
  std::unique_ptr<CredentialCheck> credential_check_;     // signed requests and client certificates
  std::vector<std::unique_ptr<plugin_host::Loaded<Adapter>>> adapters_;
  std::vector<std::unique_ptr<AdapterPort>> ports_;  // ports_[i] is adapters_[i]'s host
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<DisabledUnits> disabled_units_;
  std::unique_ptr<log::RoutingLog> routing_log_;
  std::unique_ptr<Presence> presence_;
  std::unique_ptr<UnitQuotas> quotas_;
  std::unique_ptr<CommitQueue> queue_;
  std::vector<std::unique_ptr<Committer>> committers_;  // one per lane of the commit queue
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<PeerWake> peer_wake_;
  std::unique_ptr<DirectoryRefresher> directory_;
  std::unique_ptr<hooks::HookRunner> hook_runner_;
  std::unique_ptr<DeadlineWatcher> watcher_;
  std::unique_ptr<CaseReads> case_reads_;  // reads of cases, beside the commit queue
  std::unique_ptr<AttachmentService> files_;  // uploads and fetches of files, beside the commit queue
  std::unique_ptr<Intake> intake_;
  std::unique_ptr<IntakePool> intake_pool_;  // runs intake_->handle
  std::unique_ptr<ops::OperatorService> operator_service_;
  std::mutex reload_mu_;
  bool stopped_ = false;
};

}  // namespace hub::bus
