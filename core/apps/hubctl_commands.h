// apps/hubctl_commands.h: hubctl's commands.
//
// Exit codes every command keeps, for scripts:
//   0  done                         1  refused or not found (the answer says why)
//   2  usage error                  3  the hub could not be reached / timed out
#pragma once

#include <string>
#include <vector>

namespace hub::apps {

enum ExitCode { kOk = 0, kRefused = 1, kUsage = 2, kUnreachable = 3 };

using Args = std::vector<std::string>;

// Operator commands, over the local operator socket.
int run_case(const Args& args);
int run_log(const Args& args);
int run_parked(const Args& args);
int run_replay(const Args& args);
int run_report(const Args& args);
int run_status(const Args& args);
int run_unit(const Args& args);
int run_credential(const Args& args);

// The deployment's case types, from its config and plugins (no hub needed).
int run_types(const Args& args);

// Unit commands, with a unit's key file.
int run_send(const Args& args);
int run_keygen(const Args& args);

}  // namespace hub::apps
