// config/loader.h: reads a deployment from YAML files and checks it whole.
//
// Format (config/hub.yaml and the files it includes are the Xinhui deployment):
//   include:    [units.yaml, ...]   further files, relative to the including file;
//                                    they may include others; cycles are errors
//   hub:        {...}                HubSettings; only in the top-level file
//   plugins:    [{name, file, sha256?, settings}]   sha256: optional pin of the file
//   adapters:   [{name, file, sha256?, settings}]   settings "*_file" become absolute paths
//   units:      [{id, name, adapter, public_key | public_key_file, may_send}]
//   case_types: [{id, name, plugin, sign_limit?, resolve_limit?}]
//   routes:     [{id, match: {type, origin, compound, zone, subdistrict, fields}, to, cc}]
//   directory:  {zones: [...], communities: [...], compounds: [...]}
//   calendar:   the working-day calendar; once in the whole deployment:
//     covers: 2026-01-01..2027-12-31      the dates covered, inclusive
//     weekend: [saturday, sunday]         optional; this is the default
//     years:                              where each covered year's holidays come from
//       - {year: 2026, source: "国务院办公厅关于2026年部分节假日安排的通知（2025-11-04）"}
//       - {year: 2027, source: "...", provisional: true}   not yet published: a warning
//     holidays:
//       - name: 元旦
//         off: [2026-01-01..2026-01-03]   dates or ranges a..b
//         work: [2026-01-04]              weekend days worked in exchange (调休上班)
//   lifecycle:  deadlines and escalation; once in the whole deployment:
//     remind_at: 75%                      share of a limit after which the receiver is reminded
//     escalation_step: 1wd                time between escalation levels after a deadline
//     return_deciders: [compound.subdistrict, lg.office]   decide a returned case no route
//                                         fits: the first that resolves; absent: it is parked
//     chains:                             the first rule whose receivers match decides
//       - receivers: ["pm.*", team.jinxiu]            unit ids or id prefixes
//         escalate_to: [compound.community, lg.office]  levels in order; [] at the top
//         extensions_by: compound.subdistrict         absent: extensions are refused
//     default: {escalate_to: [lg.office], extensions_by: lg.office}   required
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
//   - every cross-reference resolves (see model.h);
//   - every calendar date exists and lies within covers, each covered year has
//     a years entry, and a calendar exists when any limit counts working days
//     (a case type's, or the escalation step, whose default is 1wd).
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
