// hubd: the hub daemon. See `hubd --help`.
#include <malloc.h>

#include <csignal>
#include <ctime>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "bus/hub.h"
#include "config/loader.h"
#include "hubd_options.h"
#include "keys/credential_key.h"
#include "module_dir.h"
#include "plugin_host/plugin_set.h"
#include "store/embedded_postgres.h"

namespace {

void setup_logging(const std::string& level) {
  // One sink each: a pattern belongs to the sink.
  auto main_logger = std::make_shared<spdlog::logger>("hubd", std::make_shared<spdlog::sinks::stdout_color_sink_mt>());
  main_logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  spdlog::set_default_logger(main_logger);
  // Routing lines go through stdout's buffer (a line at a time on a terminal;
  // flushed every second, and by every main-log line, when redirected):
  // at saturation they are tens of thousands a second, a write each would
  // cost more than the routing. The events table holds them durably.
  auto routing = std::make_shared<spdlog::logger>("routing", std::make_shared<spdlog::sinks::ostream_sink_mt>(std::cout));
  routing->set_pattern("%Y-%m-%d %H:%M:%S.%e ROUTE %v");
  spdlog::register_logger(routing);
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::flush_every(std::chrono::seconds(1));
}

// Prints every config problem; returns the deployment when there is none.
std::optional<hub::config::Deployment> load_config(const std::string& path) {
  auto loaded = hub::config::load_deployment(path);
  for (const auto& w : loaded.warnings) std::cerr << "warning: " << w.to_string() << "\n";
  for (const auto& e : loaded.errors) std::cerr << "error: " << e.to_string() << "\n";
  if (!loaded.ok()) {
    std::cerr << path << ": " << loaded.errors.size() << " error(s); nothing was started\n";
    return std::nullopt;
  }
  return std::move(loaded.deployment);
}

std::string database_of(const hub::config::Deployment& d) {
  if (!d.hub.database.empty()) return d.hub.database;
  const char* env = std::getenv("XH_DATABASE_URL");
  return env ? env : "";
}

// The same database as the schema's owner, for the migrations, when it is
// another role than database_of's (docs/OPERATIONS.md); "": that one.
std::string owner_database() {
  const char* env = std::getenv("XH_DATABASE_OWNER_URL");
  return env ? env : "";
}

// Gives the heap's free pages back to the system. Reading a config builds a
// YAML tree several times the size of what the hub keeps (about 190 MB for
// a directory of 100,000 compounds); freed, glibc would keep it.
void release_freed_memory() { ::malloc_trim(0); }

// SIGHUP: reads the config file again and applies it; a config with errors,
// or with changes only a restart can apply, is refused whole and the running
// one stays. Every outcome goes to the log, where operators look.
void reload(hub::bus::Hub& hub, const hub::apps::HubdOptions& options) {
  const std::string& path = options.config;
  spdlog::info("SIGHUP: reloading {}", path);
  auto loaded = hub::config::load_deployment(path);
  if (loaded.ok() && !options.hub_id.empty()) loaded.deployment->hub.id = options.hub_id;
  for (const auto& w : loaded.warnings) spdlog::warn("reload: {}", w.to_string());
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) spdlog::error("reload refused: {}", e.to_string());
    spdlog::error("reload refused: {} error(s) in {}; the running configuration stays. Fix them (check with "
                  "'hubd --check-config {}') and send SIGHUP again",
                  loaded.errors.size(), path, path);
    return;
  }
  if (hub::Status s = hub.reload(std::move(*loaded.deployment)); !s.ok())
    spdlog::error("reload refused: {}; the running configuration stays", s.message());
  release_freed_memory();
}

// Waits for SIGINT or SIGTERM, reloading at each SIGHUP meanwhile.
void serve_until_stopped(hub::bus::Hub& hub, const hub::apps::HubdOptions& options) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
  for (;;) {
    int sig = 0;
    sigwait(&set, &sig);
    if (sig == SIGHUP) {
      reload(hub, options);
      continue;
    }
    spdlog::info("{}: stopping (finishing the commits in flight)", sig == SIGINT ? "SIGINT" : "SIGTERM");
    return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // The hub's local time is Asia/Shanghai (UTC+8, no daylight saving) whatever
  // the machine's zone; a POSIX zone string needs no tzdata.
  ::setenv("TZ", "CST-8", 1);
  ::tzset();
  int exit_code = 0;
  auto options = hub::apps::parse_hubd_options(argc, argv, exit_code);
  if (!options) return exit_code;
  setup_logging(options->log_level);

  auto deployment = load_config(options->config);
  if (!deployment) return 1;
  if (!options->hub_id.empty()) deployment->hub.id = options->hub_id;
  const std::string module_dir = hub::apps::find_module_dir(options->module_dir, deployment->hub.plugin_dir, argv[0]);
  if (options->check_only) {
    auto plugins = hub::plugin_host::PluginSet::load(deployment->plugins, module_dir);
    if (!plugins.ok()) {
      std::cerr << "error: " << plugins.status().message() << "\n";
      return 1;
    }
    // The credentials' master key: a file that is there must be a key hubd can read; a missing one is made
    // at the first start (whether the database holds secrets sealed with another is known only then).
    const std::string& key_file = deployment->hub.credentials.key_file;
    std::error_code missing;
    if (std::filesystem::exists(key_file, missing)) {
      auto key = hub::keys::CredentialKey::load(key_file);
      if (!key.ok()) {
        std::cerr << "error: hub.credentials.key_file: " << key.status().message() << "\n";
        return 1;
      }
    } else {
      std::cout << options->config << ": hub.credentials.key_file " << key_file
                << " does not exist yet: hubd makes it at its first start (back it up then)\n";
    }
    std::cout << options->config << ": valid (" << deployment->units.size() << " units, "
              << deployment->case_types.size() << " case types, " << deployment->routes.size() << " routes, "
              << deployment->compounds.size() << " compounds)\n";
    return 0;
  }

  // Signals are taken by the main thread only; every thread started later inherits the mask.
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  std::unique_ptr<hub::store::EmbeddedPostgres> embedded;
  std::string conninfo = database_of(*deployment);
  std::string owner_conninfo = conninfo.empty() ? "" : owner_database();
  if (conninfo.empty()) {
    spdlog::info("no database configured: starting the embedded PostgreSQL in {}", deployment->hub.data_dir);
    auto pg = hub::store::EmbeddedPostgres::start({deployment->hub.data_dir + "/postgres", "", "hub", {}});
    if (!pg.ok()) {
      spdlog::error("cannot start the embedded PostgreSQL: {}", pg.status().message());
      return 1;
    }
    embedded = std::move(pg.value());
    conninfo = embedded->runtime_conninfo();
    owner_conninfo = embedded->owner_conninfo();
  }

  const std::string ready = fmt::format("hubd {} ready: hub {}, {} units, {} case types, {} routes", HUB_VERSION,
                                        deployment->hub.id, deployment->units.size(), deployment->case_types.size(),
                                        deployment->routes.size());
  hub::bus::HubOptions hub_options{std::move(*deployment), conninfo, module_dir, nullptr};
  hub_options.owner_conninfo = owner_conninfo;
  hub_options.dispatch_poll = std::chrono::milliseconds(options->dispatch_poll_ms);
  deployment.reset();
  auto hub = hub::bus::Hub::start(std::move(hub_options));
  if (!hub.ok()) {
    spdlog::error("hubd cannot start: {}", hub.status().message());
    return 1;
  }
  release_freed_memory();
  spdlog::info("{}", ready);
  serve_until_stopped(**hub, *options);
  (*hub)->stop();
  hub.value().reset();
  if (embedded) {
    if (hub::Status s = embedded->stop(); !s.ok()) spdlog::warn("embedded PostgreSQL: {}", s.message());
    else spdlog::info("embedded PostgreSQL stopped");
  }
  spdlog::shutdown();
  return exit_code;
}
