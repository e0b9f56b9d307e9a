// apps/hubctl_operator.h: what hubctl's operator commands share: the common
// options, one request on the hub's operator socket, and printing.
#pragma once

#include <optional>
#include <string>

#include <boost/program_options.hpp>

#include "hub/case.h"
#include "hubctl_commands.h"

namespace hub::apps {

namespace po = boost::program_options;

struct Common {
  std::string config = "config/hub.yaml";
  std::string socket;
  bool json = false;
};

// --help, --config, --socket, --json.
void add_common(po::options_description& d, Common& c);

// Parses; returns -1 to go on, else the exit code (usage errors print
// `usage`). --help shows `shown` when given (options without hidden ones), else `d`.
int parse(const Args& args, po::options_description& d, po::positional_options_description* pos, const char* usage,
          const po::options_description* shown = nullptr);

// Sends one request (the hub learns the operator from the kernel); the answer,
// or nullopt with `code` set after printing why: kRefused for the hub's
// refusal or a socket this user may not open, kUnreachable when no hub answers.
std::optional<Json> ask(const Common& c, Json request, int& code);

// A field as text ("" when absent or null; numbers as written), with control
// characters escaped (util/printable.h): a unit's text cannot forge a line or
// reach the terminal as an escape sequence.
std::string text(const Json& j, const char* key);

// JSON as hubctl prints it (indent as for Json::dump), escaped likewise.
std::string shown_json(const Json& j, int indent = 2);

// Routing-log rows (the "events" op's) as hubctl log prints them.
void print_events(const Json& events);

// The "case" op's answer as hubctl case prints it.
void print_case(const Json& answer);

}  // namespace hub::apps
