// hubctl: the command line of operators and IT staff. See `hubctl --help`.
#include <iostream>
#include <map>

#include "hubctl_commands.h"

namespace {

constexpr const char* kHelpText = R"(hubctl: operate the Xinhui case hub, or act as a member unit.

Operator commands (local operator socket; every action is logged with your login):
  hubctl case ID                 a case with its deliveries, replies and full history
  hubctl log [--follow] [--unit U] [--type T] [--case ID] [--limit N]
                                 the routing log, newest last; --follow keeps watching
  hubctl parked                  parked deliveries, updates, cases and hook tasks
  hubctl replay --delivery ID | --update ID | --case ID | --hook-task ID
                                 send a parked delivery or update again / route a parked case again
  hubctl report --from DATE --to DATE [--by unit|zone|subdistrict] [--format table|csv|json]
                                 the figures units are evaluated on: received, signed and
                                 resolved on time, overdue now, returned, extended, reopened,
                                 median and p90 time to sign and to resolve
  hubctl status                  whether the hub answers, and its version

Unit commands (act as the unit whose key file you hold; the hub knows you by the key):
  hubctl send --key UNIT.key --hub-key HUB.pub [--endpoint tcp://HOST:PORT] CASE.json
                                 send a case: {"reference", "type", "compound", "payload"}
  hubctl keygen --unit ID --out DIR
                                 make a CURVE key pair: DIR/ID.key (secret) and DIR/ID.pub

Common options: --config FILE (default config/hub.yaml) or --socket PATH to find the operator socket.
Each command takes --help. Exit codes: 0 done, 1 refused or not found, 2 usage error, 3 hub unreachable.
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace hub::apps;
  const std::map<std::string, int (*)(const Args&)> commands = {
      {"case", run_case},     {"log", run_log},   {"parked", run_parked}, {"replay", run_replay},
      {"report", run_report}, {"status", run_status}, {"send", run_send}, {"keygen", run_keygen}};
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" || std::string(argv[1]) == "help") {
    std::cout << kHelpText;
    return argc < 2 ? ExitCode::kUsage : ExitCode::kOk;
  }
  auto it = commands.find(argv[1]);
  if (it == commands.end()) {
    std::cerr << "hubctl: unknown command '" << argv[1] << "'. Try 'hubctl --help'.\n";
    return ExitCode::kUsage;
  }
  return it->second(Args(argv + 2, argv + argc));
}
