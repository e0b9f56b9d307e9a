// apps/hubd_options.h: hubd's command line.
#pragma once

#include <optional>
#include <string>

namespace hub::apps {

struct HubdOptions {
  std::string config = "config/hub.yaml";
  bool check_only = false;
  std::string log_level = "info";
  std::string module_dir;  // overrides hub.plugin_dir
  std::string hub_id;      // overrides hub.id (several hubs sharing one config file)
  int dispatch_poll_ms = 200;  // how often the dispatcher looks for due work nobody announced
};

// Parses argv. Prints help or errors itself; returns nullopt with `exit_code`
// set when hubd should exit at once (0 after --help, 2 on a usage error).
std::optional<HubdOptions> parse_hubd_options(int argc, char** argv, int& exit_code);

}  // namespace hub::apps
