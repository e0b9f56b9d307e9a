// config/diagnostics.h: the problems found while loading a deployment.
//
// Loading never stops at the first problem: every reader reports into one
// Diagnostics and carries on, so an operator sees all mistakes at once.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/model.h"

namespace hub::config {

// One problem in the configuration: where it is, which key, and what was expected.
struct ConfigError {
  SourceLocation where;  // column in characters; line and column 0 when about a whole file
  std::string key;       // key path, e.g. "routes[3].to[0]"; empty for the whole file
  std::string message;   // what is wrong and what was expected

  // "file:line:col: key 'routes[3].to': message"; the location shrinks to "file"
  // without a line, and the key part is left out when there is no key.
  std::string to_string() const;
};

// Collects errors and warnings. Not thread-safe: one per load.
class Diagnostics {
 public:
  void error(SourceLocation where, std::string key, std::string message);
  void warning(SourceLocation where, std::string key, std::string message);

  bool has_errors() const { return !errors_.empty(); }
  std::vector<ConfigError> take_errors() { return std::move(errors_); }
  std::vector<ConfigError> take_warnings() { return std::move(warnings_); }

 private:
  std::vector<ConfigError> errors_;
  std::vector<ConfigError> warnings_;
};

// "file:line:column", for a message that names another place.
std::string place(const SourceLocation& where);

// " (did you mean 'x'?)" when one of `known` is within two edits of `typed`, else "".
std::string did_you_mean(std::string_view typed, std::span<const std::string> known);

// "a, b, c": for messages listing what is allowed.
std::string join(std::span<const std::string> items);

}  // namespace hub::config
