#include "bench_deployment.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "config/loader.h"
#include "loopback_port.h"
#include "ops/operator_client.h"
#include "store/embedded_postgres_os.h"
#include "store/pg.h"

namespace hub::bench {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFolderPrefix = "xh-bench-";
constexpr std::size_t kListedProblems = 10;  // of a deployment that does not load

std::string two_digits(int n) {
  return n < 10 ? "0" + std::to_string(n) : std::to_string(n);
}


// Immediate shutdown of a PostgreSQL left running in <dir>/pg/pgdata by a bench
// that died, then waits for it to go.
void stop_leftover_server(const std::string& dir) {
  const std::string pgdata = dir + "/pg/pgdata";
  std::ifstream in(pgdata + "/postmaster.pid");
  long pid = 0;
  if (!(in >> pid) || pid <= 0 || !store::detail::process_alive(static_cast<pid_t>(pid))) return;
  std::error_code ec;
  if (store::detail::process_cwd(static_cast<pid_t>(pid)) != fs::weakly_canonical(pgdata, ec).string()) return;
  ::kill(static_cast<pid_t>(pid), SIGQUIT);
  for (int i = 0; i < 200 && store::detail::process_alive(static_cast<pid_t>(pid)); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

// Removes /var/tmp/xh-bench-<pid>-* of bench processes that are gone.
void sweep_stale_folders() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/var/tmp", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kFolderPrefix, 0) != 0) continue;
    const long pid = std::atol(name.c_str() + std::char_traits<char>::length(kFolderPrefix));
    struct stat st {};
    if (pid <= 0 || ::lstat(entry.path().c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid())
      continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM) continue;  // that bench still runs
    stop_leftover_server(entry.path().string());
    std::error_code rm;
    fs::remove_all(entry.path(), rm);
  }
}

std::string tag_to_dbname(const std::string& tag) {
  std::string out = "bench_";
  for (char c : tag) out += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return out;
}

}  // namespace

Result<int> free_tcp_port() {
  const std::uint16_t port = testing::unused_loopback_port();
  if (port == 0) return Status::Unavailable("cannot find a free TCP port on 127.0.0.1");
  return static_cast<int>(port);
}

std::string HttpEdge::secret_file(int receiver) const { return secrets_dir + "/" + receiver_id(receiver) + ".secret"; }

std::string sender_id(int i) { return "bench.s" + two_digits(i + 1); }
std::string receiver_id(int i) { return "bench.r" + two_digits(i + 1); }

std::vector<int> receivers_of(Mode mode, int sender) {
  if (mode == Mode::kSingle) return {sender};
  if (mode == Mode::kAbsent) return {sender == kUnits - 1 ? 1 : 0};
  return {sender, (sender + 1) % kUnits, (sender + 2) % kUnits};
}

// ----------------------------------------------------------- deployment files

std::string yaml_quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

Result<ScenarioDeployment> scenario_paths(const std::string& folder, const std::string& tag) {
  ScenarioDeployment s;
  s.dir = folder + "/" + tag;
  std::error_code ec;
  fs::create_directories(s.dir, ec);
  if (ec) return Status::Unavailable("cannot create " + s.dir + ": " + ec.message());
  auto port = free_tcp_port();
  if (!port.ok()) return port.status();
  s.endpoint = "tcp://127.0.0.1:" + std::to_string(*port);
  s.operator_socket = s.dir + "/run/operator.sock";
  s.config_path = s.dir + "/hub.yaml";
  s.log_path = s.dir + "/hubd.log";
  return s;
}

void write_deployment_head(std::ostream& y, const ScenarioDeployment& s, const std::string& folder,
                           const std::string& conninfo, const std::string& module_dir,
                           const std::vector<std::string>& extra_case_fields, BenchQuotas quotas,
                           const HttpEdge* http) {
  y << "hub:\n"
    << "  id: bench\n"
    << "  database: " << yaml_quoted(conninfo) << "\n"
    << "  data_dir: " << yaml_quoted(s.dir + "/var") << "\n"
    << "  keys_dir: " << yaml_quoted(folder + "/keys") << "\n"
    << "  plugin_dir: " << yaml_quoted(module_dir) << "\n"
    << "  operator_socket: " << yaml_quoted(s.operator_socket) << "\n"
    << "  heartbeat_timeout_seconds: 15\n"
    << "  delivery: {max_attempts: 8, backoff_initial_ms: 5000, backoff_max_ms: 60000, backoff_multiplier: 2.0}\n"
    << (quotas == BenchQuotas::kLifted
            ? "  # lifted: the bench measures the hub, not a unit's allowance\n"
              "  unit_quota: {messages_per_second: 10000000, burst_messages: 10000000, bytes_per_second: 1099511627776, "
              "burst_bytes: 1099511627776}\n"
            : "  # unit_quota: the hub's defaults, as in production\n")
    << "include:\n"
    << "  - " << yaml_quoted(HUB_BENCH_CALENDAR) << "  # the working days of the Xinhui deployment: deadlines as in production\n"
    << "plugins:\n"
    << "  - name: generic\n"
    << "    file: generic\n"
    << "    settings:\n"
    << "      case_types:\n"
    << "        bench.case:\n"
    << "          name: 压测案件\n"
    << "          fields:\n"
    << "            body: {type: string, required: true}\n";
  for (const std::string& field : extra_case_fields) y << "            " << field << "\n";
  y << "adapters:\n"
    << "  - name: zmq\n"
    << "    file: zmq\n"
    << "    settings: {bind: " << yaml_quoted(s.endpoint) << ", secret_key_file: " << yaml_quoted(folder + "/keys/hub.key")
    << "}\n";
  if (http) {
    // Connections per address: every sender's connections come from 127.0.0.1.
    y << "  - name: http\n"
      << "    file: http\n"
      << "    settings:\n"
      << "      listener: {bind: \"127.0.0.1:" << http->api_port << "\", certificate_file: "
      << yaml_quoted(http->certificate_file) << ", private_key_file: " << yaml_quoted(http->private_key_file)
      << ", max_connections_per_address: 512}\n"
      << "      webhooks:\n";
    for (std::size_t i = 0; i < http->webhook_ports.size(); ++i)
      y << "        " << receiver_id(static_cast<int>(i)) << ": {url: \"https://127.0.0.1:" << http->webhook_ports[i]
        << "/inbox\", secret_file: " << yaml_quoted(http->secret_file(static_cast<int>(i)))
        << ", ca_file: " << yaml_quoted(http->ca_file) << ", connections: " << http->webhook_connections
        << ", batch: " << http->webhook_batch << "}\n";
  }
  y << "case_types:\n"
    << "  - {id: bench.case, name: 压测案件, plugin: generic}\n"
    << "units:\n";
}

Status check_deployment(const ScenarioDeployment& s) {
  auto loaded = config::load_deployment(s.config_path);
  if (loaded.ok()) return {};
  std::string why = "the bench's deployment " + s.config_path + " does not load:";
  for (std::size_t i = 0; i < loaded.errors.size() && i < kListedProblems; ++i)
    why += "\n  " + loaded.errors[i].to_string();
  if (loaded.errors.size() > kListedProblems)
    why += fmt::format("\n  ({} more)", loaded.errors.size() - kListedProblems);
  return Status::Internal(why);
}

// ---------------------------------------------------------------- BenchFolder

Result<std::unique_ptr<BenchFolder>> BenchFolder::create(bool keep) {
  sweep_stale_folders();
  std::string pattern = "/var/tmp/" + std::string(kFolderPrefix) + std::to_string(::getpid()) + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr)
    return Status::Unavailable("cannot create a folder under /var/tmp: " + std::string(std::strerror(errno)));
  // As root, PostgreSQL runs as another user, who must be able to enter.
  if (::geteuid() == 0) ::chmod(pattern.c_str(), 0711);
  auto folder = std::make_unique<BenchFolder>();
  folder->path_ = pattern;
  folder->keep_ = keep;
  return folder;
}

Result<std::unique_ptr<BenchFolder>> open_working_folder(bool keep) {
  auto folder = BenchFolder::create(keep);
  if (!folder.ok()) std::cerr << "hub_bench: " << folder.status().message() << "\n";
  else if (keep) std::cerr << "hub_bench: working folder " << (*folder)->path() << " (kept)\n";
  return folder;
}

BenchFolder::~BenchFolder() {
  if (path_.empty() || keep_) return;
  stop_leftover_server(path_);
  std::error_code ec;
  fs::remove_all(path_, ec);
}

// -------------------------------------------------------------- BenchDatabase

Result<std::unique_ptr<BenchDatabase>> BenchDatabase::start(const std::string& folder,
                                                            const std::string& external_conninfo,
                                                            const std::vector<std::string>& extra_settings) {
  auto db = std::unique_ptr<BenchDatabase>(new BenchDatabase());
  if (!external_conninfo.empty()) {
    auto conn = store::PgConnection::connect(external_conninfo);
    if (!conn.ok()) return Status(conn.status().code(), "--database: " + conn.status().message());
    db->external_ = external_conninfo;
    return db;
  }
  store::EmbeddedPostgresOptions options;
  options.data_dir = folder + "/pg";
  options.database = "postgres";
  options.extra_settings = extra_settings;
  options.superuser_for_caller = true;  // creates and drops the scenarios' databases, reads pg_stat_statements
  auto server = store::EmbeddedPostgres::start(options);
  if (!server.ok()) return Status(server.status().code(), "embedded PostgreSQL: " + server.status().message());
  db->server_ = std::move(server).value();
  return db;
}

BenchDatabase::~BenchDatabase() { stop(); }

void BenchDatabase::stop() {
  if (!server_) return;
  (void)server_->stop();
  server_.reset();
}

Result<std::string> BenchDatabase::database_for(const std::string& scenario_tag) {
  if (!server_) return external_;
  auto conn = store::PgConnection::connect(server_->superuser_conninfo("postgres"));
  if (!conn.ok()) return conn.status();
  const std::string name = tag_to_dbname(scenario_tag);
  auto quoted_name = conn->quote_identifier(name);
  if (!quoted_name.ok()) return quoted_name.status();
  (void)conn->exec("SET client_min_messages = warning");
  (void)conn->exec("DROP DATABASE IF EXISTS " + *quoted_name);
  auto created = conn->exec("CREATE DATABASE " + *quoted_name);
  if (!created.ok()) return Status(created.status().code(), "CREATE DATABASE " + name + ": " + created.status().message());
  return server_->superuser_conninfo(name);
}

void BenchDatabase::release(const std::string& scenario_tag) {
  if (!server_) return;
  auto conn = store::PgConnection::connect(server_->superuser_conninfo("postgres"));
  if (!conn.ok()) return;
  auto quoted_name = conn->quote_identifier(tag_to_dbname(scenario_tag));
  (void)conn->exec("SET client_min_messages = warning");
  if (quoted_name.ok()) (void)conn->exec("DROP DATABASE IF EXISTS " + *quoted_name + " WITH (FORCE)");
}

// ------------------------------------------------------------ BenchDeployment

Result<BenchDeployment> BenchDeployment::create(const std::string& folder) {
  BenchDeployment d;
  d.folder_ = folder;
  const std::string keys_dir = folder + "/keys";
  auto hub_key = keys::generate();
  if (!hub_key.ok()) return hub_key.status();
  d.hub_key_ = *hub_key;
  if (Status s = keys::write(keys_dir, "hub", d.hub_key_); !s.ok()) return s;
  for (int i = 0; i < kUnits; ++i)
    for (const std::string& unit : {sender_id(i), receiver_id(i)}) {
      auto k = keys::generate();
      if (!k.ok()) return k.status();
      if (Status s = keys::write(keys_dir, unit, *k); !s.ok()) return s;
      d.unit_keys_[unit] = *k;
    }
  return d;
}

Result<ScenarioDeployment> BenchDeployment::write_scenario(const std::string& tag, Mode mode,
                                                           const std::string& conninfo, const std::string& module_dir,
                                                           BenchQuotas quotas, const HttpEdge* http) const {
  auto paths = scenario_paths(folder_, tag);
  if (!paths.ok()) return paths.status();
  const ScenarioDeployment& s = *paths;

  std::ostringstream y;
  y << "# hub_bench deployment, scenario " << tag << " (written by the bench; edits are lost)\n";
  write_deployment_head(y, s, folder_, conninfo, module_dir, {}, quotas, http);
  const char* adapter = http ? "http" : "zmq";
  for (int i = 0; i < kUnits; ++i)
    y << "  - {id: " << sender_id(i) << ", name: 压测发送单位" << two_digits(i + 1) << ", adapter: " << adapter
      << ", may_send: [bench.case]}\n";
  for (int i = 0; i < kUnits; ++i)
    y << "  - {id: " << receiver_id(i) << ", name: 压测接收单位" << two_digits(i + 1) << ", adapter: " << adapter
      << "}\n";
  y << "routes:\n";
  for (int i = 0; i < kUnits; ++i) {
    y << "  - {id: bench_" << mode_name(mode) << "_s" << two_digits(i + 1)
      << ", match: {type: bench.case, origin: " << sender_id(i) << "}, to: [";
    const auto to = receivers_of(mode, i);
    for (std::size_t k = 0; k < to.size(); ++k) y << (k ? ", " : "") << receiver_id(to[k]);
    y << "]}\n";
  }
  {
    std::ofstream out(s.config_path);
    out << y.str();
    if (!out) return Status::Unavailable("cannot write " + s.config_path);
  }
  if (Status loads = check_deployment(s); !loads.ok()) return loads;
  return s;
}

// ---------------------------------------------------------------- HubdProcess

bool operator_status(const std::string& socket_path, int timeout_ms) {
  auto answer = ops::ask_operator({socket_path, ""}, {{"op", "status"}}, std::chrono::milliseconds(timeout_ms));
  return answer.ok() && answer->value("ok", false);
}

HubdProcess::~HubdProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

Status HubdProcess::start(const std::string& binary, const ScenarioDeployment& d, const std::string& log_level) {
  if (Status s = launch(binary, d, log_level); !s.ok()) return s;
  return wait_ready(d);
}

Status HubdProcess::launch(const std::string& binary, const ScenarioDeployment& d, const std::string& log_level) {
  if (pid_ > 0) return Status::Conflict("hubd already runs");
  log_path_ = d.log_path;
  // Built before fork(): the child of a threaded process must not allocate.
  std::vector<const char*> argv = {binary.c_str(), "--config", d.config_path.c_str(), "--log-level", log_level.c_str()};
  if (!d.hub_id.empty()) argv.insert(argv.end(), {"--hub-id", d.hub_id.c_str()});
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) {
    pid_ = 0;
    return Status::Unavailable(std::string("fork: ") + std::strerror(errno));
  }
  if (pid_ == 0) {
    // Own process group: a Ctrl-C at the terminal reaches the bench only, which stops hubd itself.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(126);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int fd = ::open(d.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execv(binary.c_str(), const_cast<char* const*>(argv.data()));
    ::_exit(127);
  }
  return {};
}

Status HubdProcess::wait_ready(const ScenarioDeployment& d) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!alive()) return Status::Internal("hubd exited during start (status " + std::to_string(exit_status_) +
                                          "); its log " + d.log_path + " ends with:\n" + log_tail());
    std::error_code ec;
    if (fs::exists(d.operator_socket, ec) && operator_status(d.operator_socket, 500)) return {};
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling interval while hubd starts
  }
  return Status::Unavailable("hubd did not answer on its operator socket within 60 s; its log ends with:\n" +
                             log_tail());
}

bool HubdProcess::alive() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    pid_ = 0;
    return false;
  }
  return true;
}

int HubdProcess::stop() {
  if (pid_ <= 0) return exit_status_;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (alive()) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      pid_ = 0;
      exit_status_ = 128 + SIGKILL;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return exit_status_;
}

void HubdProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = 0;
  exit_status_ = 128 + SIGKILL;
}

std::string HubdProcess::log_tail(std::size_t bytes) const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  return text.size() > bytes ? "..." + text.substr(text.size() - bytes) : text;
}

}  // namespace hub::bench
