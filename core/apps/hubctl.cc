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
  hubctl parked [--what deliveries|cases|updates|hooks] [--unit U] [--type T]
                [--since TIME] [--until TIME] [--reason TEXT] [--limit N]
                                 parked deliveries, cases, updates and hook tasks, oldest
                                 first, with when and why each was parked
  hubctl parked show delivery|case|update|hook ID
                                 one parked item: reason, attempts, its history, its case
  hubctl replay --delivery ID | --update ID | --case ID | --hook-task ID
                                 send a parked delivery or update again / route a parked case again
  hubctl replay --all [the filters of parked] [--dry-run] [--everything]
                                 replay every item still parked that matches; --dry-run says
                                 what would happen; with no filter --everything is required
  hubctl report --from DATE --to DATE [--by unit|zone|subdistrict] [--format table|csv|json]
                                 the figures units are evaluated on: received, signed and
                                 resolved on time, overdue now, returned, extended, reopened,
                                 median and p90 time to sign and to resolve
  hubctl unit disable ID [--reason TEXT]
                                 stop a unit at once on every hub: its messages are refused
                                 (unit_disabled), nothing is sent to it; what waits for it is kept
  hubctl unit enable ID          let it in again; what waited for it is sent at once
  hubctl unit show ID [--limit N]
                                 whether it is disabled, by whom and why, and what waits for it
  hubctl unit list [--disabled]  every unit (or the disabled ones) with what waits for each
  hubctl credential issue UNIT   a new secret for a unit that signs HTTP requests (shown once)
  hubctl credential rotate UNIT [--grace 7d]
                                 a new secret; the unit's older ones stay valid for the grace period
  hubctl credential revoke KEY_ID
                                 refuse a secret or certificate from its next request on
  hubctl credential list [UNIT]  every credential (never a secret) and its state
  hubctl credential add-certificate UNIT CERT.pem
                                 a unit's TLS client certificate, known by its SHA-256 fingerprint
  hubctl status                  whether the hub answers, and its version

For units' IT staff (reads the config and its plugins; no hub needs to run):
  hubctl types [TYPE...] [--format text|markdown|json]
                                 every case type: who sends it, where it goes, its deadlines,
                                 payload fields, reply outcomes and fields, files it may carry

Unit commands (act as the unit whose key file you hold; the hub knows you by the key):
  hubctl send --key UNIT.key --hub-key HUB.pub [--endpoint tcp://HOST:PORT] CASE.json
                                 send a case: {"reference", "type", "compound", "payload"}
  hubctl keygen --unit ID --out DIR [--force]
                                 make a CURVE key pair: DIR/ID.key (secret, mode 0600) and
                                 DIR/ID.pub; an existing pair is replaced only with --force

Times (--since, --until) are local: 2026-12-03, 2026-12-03T18:00 or "2026-12-03 18:00:05".
Common options: --config FILE (default config/hub.yaml) or --socket PATH to find the operator socket.
Each command takes --help. Exit codes: 0 done, 1 refused or not found, 2 usage error, 3 hub unreachable.
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace hub::apps;
  const std::map<std::string, int (*)(const Args&)> commands = {
      {"case", run_case},     {"log", run_log},   {"parked", run_parked}, {"replay", run_replay},
      {"report", run_report}, {"status", run_status}, {"unit", run_unit}, {"credential", run_credential},
      {"types", run_types},   {"send", run_send},     {"keygen", run_keygen}};
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
