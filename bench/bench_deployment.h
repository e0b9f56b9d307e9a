// bench/bench_deployment.h: everything the bench sets up around hubd.
//
// BenchFolder     a temp folder under /var/tmp (reachable by the postgres user
//                 when running as root), removed at the end.
// BenchDatabase   a private embedded PostgreSQL with a fresh database per
//                 scenario, or a database given with --database.
// BenchDeployment CURVE keys of the hub and of the 16 bench units, and per
//                 scenario a deployment YAML (generic plugin, case type
//                 bench.case, units bench.s01..s08 / bench.r01..r08, routes of
//                 the mode, zmq adapter on a free port).
// scenario_paths, write_deployment_head, check_deployment
//                 what every deployment the bench writes shares (this one's
//                 and those of growth_deployment.h).
// HubdProcess     the real hubd binary as a child process.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "keys/key_file.h"
#include "options.h"
#include "store/embedded_postgres.h"
#include "util/result.h"

namespace hub::bench {

inline constexpr int kUnits = 8;  // senders and receivers each

std::string sender_id(int i);    // "bench.s01" for i = 0
std::string receiver_id(int i);  // "bench.r01" for i = 0

// The receivers of a case from sender i in `mode`.
std::vector<int> receivers_of(Mode mode, int sender);

class BenchFolder {
 public:
  // Creates /var/tmp/xh-bench-<pid>-XXXXXX (after removing those of dead bench processes).
  static Result<std::unique_ptr<BenchFolder>> create(bool keep);
  ~BenchFolder();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool keep_ = false;
};

// hub_bench's working folder: BenchFolder::create(keep), and on stderr the
// folder's path when it is kept, or why it cannot be created.
Result<std::unique_ptr<BenchFolder>> open_working_folder(bool keep);

class BenchDatabase {
 public:
  // external_conninfo empty: starts an embedded PostgreSQL under `folder`/pg.
  // `extra_settings`: more lines for the embedded server's settings (see
  // store::EmbeddedPostgresOptions::extra_settings).
  static Result<std::unique_ptr<BenchDatabase>> start(const std::string& folder, const std::string& external_conninfo,
                                                      const std::vector<std::string>& extra_settings = {});
  ~BenchDatabase();

  // The conninfo of a database for one scenario: a new empty database on the
  // embedded server, or the external one.
  Result<std::string> database_for(const std::string& scenario_tag);
  // Drops what database_for created (embedded only).
  void release(const std::string& scenario_tag);
  bool embedded() const { return server_ != nullptr; }
  // The postmaster's pid (embedded only, else 0).
  pid_t server_pid() const { return server_ ? server_->server_pid() : 0; }
  void stop();

 private:
  std::unique_ptr<store::EmbeddedPostgres> server_;
  std::string external_;
};

struct ScenarioDeployment {
  std::string dir;              // <folder>/<tag>
  std::string config_path;      // <dir>/hub.yaml
  std::string endpoint;         // tcp://127.0.0.1:<port>
  std::string operator_socket;  // <dir>/run/operator.sock
  std::string log_path;         // <dir>/hubd.log
  std::string hub_id;           // given to hubd as --hub-id when not empty (several hubs on one database)
};

// A TCP port of 127.0.0.1 that nobody listens on now.
Result<int> free_tcp_port();

// --transport http (bench/http_units.h): where the http adapter serves the
// unit API and where it pushes the receivers' messages. Every certificate is
// the bench's own (tests/http/test_pki.h), for 127.0.0.1.
struct HttpEdge {
  int api_port = 0;  // the unit API's HTTPS listener on 127.0.0.1
  std::string certificate_file;  // the hub's and the receivers' certificate and key
  std::string private_key_file;
  std::string ca_file;  // what both sides trust
  std::vector<int> webhook_ports;  // receiver i's webhook: https://127.0.0.1:<port>/inbox
  int webhook_connections = 4;     // pushes in flight to each receiver
  int webhook_batch = 1;           // messages per push at most
  // The webhooks' secret files <dir>/<receiver id>.secret, made by hubd at
  // start (the bench reads them to check every push's signature).
  std::string secrets_dir;
  std::string secret_file(int receiver) const;
};

// Creates <folder>/<tag> and names a deployment's files in it (see
// ScenarioDeployment), with an endpoint on a free TCP port of 127.0.0.1.
Result<ScenarioDeployment> scenario_paths(const std::string& folder, const std::string& tag);

// `s` as a YAML double-quoted scalar (paths and conninfo strings).
std::string yaml_quoted(const std::string& s);

// Writes what every bench deployment YAML starts with, up to and including
// the `units:` key: hub `bench` on `conninfo` with the files of `s` and the
// keys in <folder>/keys, the calendar, the generic plugin with case type
// bench.case (field `body`, then each of `extra_case_fields`, e.g.
// "region: {type: string}"), the zmq adapter bound to s.endpoint and, with
// `http`, the http adapter as it says.
// Unit quotas are lifted (the bench measures the hub, not a unit's allowance)
// unless `quotas` says the hub's defaults, as in production.
enum class BenchQuotas { kLifted, kHubDefaults };
void write_deployment_head(std::ostream& y, const ScenarioDeployment& s, const std::string& folder,
                           const std::string& conninfo, const std::string& module_dir,
                           const std::vector<std::string>& extra_case_fields = {},
                           BenchQuotas quotas = BenchQuotas::kLifted, const HttpEdge* http = nullptr);

// Loads s.config_path with the hub's own config loader; Internal, listing the
// first problems, when it does not load.
Status check_deployment(const ScenarioDeployment& s);

class BenchDeployment {
 public:
  // Generates the keys under <folder>/keys.
  static Result<BenchDeployment> create(const std::string& folder);

  // Writes <folder>/<tag>/hub.yaml for `mode` on `conninfo` and checks it with
  // the hub's own config loader. With `http`, every bench unit uses the http
  // adapter (the zmq adapter still runs, with no unit on it).
  Result<ScenarioDeployment> write_scenario(const std::string& tag, Mode mode, const std::string& conninfo,
                                            const std::string& module_dir,
                                            BenchQuotas quotas = BenchQuotas::kLifted,
                                            const HttpEdge* http = nullptr) const;

  const keys::KeyPair& key(const std::string& unit) const { return unit_keys_.at(unit); }
  const std::string& hub_public_key() const { return hub_key_.public_key; }

 private:
  std::string folder_;
  keys::KeyPair hub_key_;
  std::map<std::string, keys::KeyPair> unit_keys_;
};

class HubdProcess {
 public:
  HubdProcess() = default;
  HubdProcess(const HubdProcess&) = delete;
  HubdProcess& operator=(const HubdProcess&) = delete;
  ~HubdProcess();  // SIGKILL if still running

  // Starts hubd (own process group, dies with the bench) and waits until its
  // operator socket answers "status": launch(), then wait_ready().
  Status start(const std::string& binary, const ScenarioDeployment& d, const std::string& log_level);
  Status launch(const std::string& binary, const ScenarioDeployment& d, const std::string& log_level);
  Status wait_ready(const ScenarioDeployment& d);
  // SIGTERM, waits (SIGKILL after 30 s); the exit status as a shell would show it.
  int stop();
  // SIGKILL and reap (a crash, for tests/chaos).
  void kill();
  pid_t pid() const { return pid_; }
  // False once hubd has exited (reaps it).
  bool alive();
  std::string log_tail(std::size_t bytes = 4000) const;

 private:
  pid_t pid_ = 0;
  std::string log_path_;
  int exit_status_ = -1;
};

// Asks hubd's operator socket for {"op":"status"}; true on {"ok":true}.
bool operator_status(const std::string& socket_path, int timeout_ms);

}  // namespace hub::bench
