#include "hubd_options.h"

#include <filesystem>
#include <iostream>

#include <boost/program_options.hpp>

namespace hub::apps {

namespace po = boost::program_options;

namespace {

// The config's rule for ids (config/section_helpers.cc), at most 64 characters.
bool valid_hub_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) return false;
  return true;
}

}  // namespace

std::optional<HubdOptions> parse_hubd_options(int argc, char** argv, int& exit_code) {
  HubdOptions o;
  std::string check;
  po::options_description desc(
      "hubd: the Xinhui property-management case hub (新惠城区物业管理联动枢纽).\n"
      "Routes cases between member units, stores every case in PostgreSQL before\n"
      "answering, delivers at least once and keeps the routing log.\n\n"
      "Usage: hubd [--config FILE] [--hub-id ID] | hubd --check-config FILE\n\nOptions");
  desc.add_options()
      ("help,h", "show this help")
      ("config,c", po::value(&o.config)->default_value(o.config), "the deployment file (YAML)")
      ("check-config", po::value(&check), "validate FILE (and the plugins it names) and exit: 0 valid, 1 invalid")
      ("log-level", po::value(&o.log_level)->default_value(o.log_level), "trace, debug, info, warn or error")
      ("module-dir", po::value(&o.module_dir), "where plugin and adapter .so files are (overrides hub.plugin_dir)")
      ("hub-id", po::value(&o.hub_id),
       "this hub's id (overrides hub.id): every hub sharing one database needs its own; it stamps the leases "
       "this hub takes and is told to units in 'welcome'")
      ("dispatch-poll-ms", po::value(&o.dispatch_poll_ms)->default_value(o.dispatch_poll_ms),
       "how often (ms, 10 to 60000) the dispatcher looks for work due without an announcement: resends after "
       "their backoff, and work of other hubs if their announcements were lost");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "hubd: " << e.what() << "\nTry 'hubd --help'.\n";
    exit_code = 2;
    return std::nullopt;
  }
  if (vm.count("help")) {
    std::cout << desc << "\nEnvironment:\n  XH_DATABASE_URL  libpq connection string, used when hub.database is empty;\n"
                 "                   with neither, hubd runs its own PostgreSQL in hub.data_dir.\n"
                 "\nSignals:\n  SIGTERM, SIGINT  stop: new cases are answered 'busy, retry', those taken in are\n"
                 "                   committed and answered, then hubd exits 0.\n"
                 "  SIGHUP           reload the config file: units, keys, case types, routes, directory,\n"
                 "                   calendar, escalation chains, delivery policy; connections stay. A config\n"
                 "                   with errors, or changing the hub section, plugins or adapters (restart\n"
                 "                   needed), is refused with its errors in the log; the running one stays.\n"
                 "\nExit codes: 0 clean stop, 1 invalid config or start failure, 2 usage error.\n";
    exit_code = 0;
    return std::nullopt;
  }
  if (vm.count("hub-id") && !valid_hub_id(o.hub_id)) {
    std::cerr << "hubd: --hub-id must be 1 to 64 characters among a-z, 0-9, '.', '_' and '-'\n";
    exit_code = 2;
    return std::nullopt;
  }
  if (o.dispatch_poll_ms < 10 || o.dispatch_poll_ms > 60000) {
    std::cerr << "hubd: --dispatch-poll-ms must be between 10 and 60000\n";
    exit_code = 2;
    return std::nullopt;
  }
  if (vm.count("check-config")) {
    o.config = check;
    o.check_only = true;
  }
  return o;
}

}  // namespace hub::apps
