// config/loader.h: reads a deployment from YAML files and checks it whole.
//
// Format (config/hub.yaml and the files it includes are the Xinhui deployment):
//   include:    [units.yaml, ...]   further files, relative to the including file;
//                                    they may include others; cycles are errors
//   hub:        {...}                HubSettings; only in the top-level file
//   plugins:    [{name, file, settings}]
//   adapters:   [{name, file, settings}]   settings "*_file" become absolute paths
//   units:      [{id, name, adapter, public_key | public_key_file, may_send}]
//   case_types: [{id, name, plugin, sign_limit?, resolve_limit?}]
//   routes:     [{id, match: {type, origin, compound, zone, subdistrict, fields}, to, cc}]
//   directory:  {zones: [...], communities: [...], compounds: [...]}
// Lists from several files are concatenated: a file's own entries first, then
// those of each file it includes, in the order listed (routes keep that order).
//
// After a successful load:
//   - hub.data_dir, keys_dir, operator_socket (default <data_dir>/run/operator.sock)
//     and plugin_dir (when set; empty means "next to the binaries") are absolute,
//     relative ones resolved against the top-level file's folder;
//   - hub.database is the configured string, or else $XH_DATABASE_URL, or else
//     empty (embedded PostgreSQL);
//   - every unit with a key has it in public_key; a unit that names no key gets
//     <keys_dir>/<id>.pub when that file exists, else it stays keyless (a warning);
//   - every cross-reference resolves (see model.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"
#include "config/model.h"
#include "util/result.h"

namespace hub::config {

struct LoadResult {
  std::optional<Deployment> deployment;  // set exactly when there are no errors
  std::vector<ConfigError> errors;       // every problem found
  std::vector<ConfigError> warnings;     // loadable, but worth an operator's look
  bool ok() const { return errors.empty(); }
};

// Reads and checks the deployment whose top-level file is `path`. Collects all
// errors instead of stopping at the first. Never throws.
LoadResult load_deployment(const std::string& path);

// Parses a limit: "<N>h" (N wall-clock hours) or "<N>wd" (N working days), N >= 1.
Result<Limit> parse_limit(std::string_view text);

}  // namespace hub::config
