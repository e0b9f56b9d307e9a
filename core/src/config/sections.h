// config/sections.h: readers of the top-level sections of a deployment file.
//
// Each reader takes the section's node from one file, appends what it reads
// to the Deployment, declares ids and records references in the SymbolTable,
// and reports problems; it never stops at the first one. Entries with errors
// are still appended, so later checks do not repeat the same mistake.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/diagnostics.h"
#include "config/model.h"
#include "config/symbols.h"
#include "config/yaml_reader.h"

namespace hub::config {

// A unit that named no key: its key is looked up in hub.keys_dir once the
// whole deployment is read.
struct UnitWithoutKey {
  std::size_t index;  // into Deployment::units
  std::string key;    // key path of the unit, e.g. "units[3]"
};

// Where a unit's key is given (inline, by file, or found in keys_dir), for
// the checks that need every unit's key (check_unit_keys).
struct UnitKeyPlace {
  std::size_t unit;       // index into Deployment::units
  bool previous = false;  // its previous_key rather than its current key
  SourceLocation where;
  std::string key;  // key path, e.g. "units[3].public_key_file"
};

// A limit counting working days: the deployment then needs a calendar.
struct WorkingDayLimit {
  SourceLocation where;
  std::string key;   // e.g. "case_types[2].resolve_limit"
  std::string text;  // as written, e.g. "5wd"
};

// A prefix pattern such as "pm.*" that must match a unit once all are read.
struct UnitPattern {
  std::string prefix;  // without the '*'
  SourceLocation where;
  std::string key;
};

// Everything one load builds up.
struct LoadContext {
  Deployment deployment;
  SymbolTable symbols;
  Diagnostics diag;
  std::vector<UnitWithoutKey> units_without_key;
  std::vector<UnitKeyPlace> unit_key_places;
  std::vector<WorkingDayLimit> working_day_limits;  // every limit read that counts working days
  std::vector<UnitPattern> receiver_patterns;       // of lifecycle.chains
};

void read_hub(const YamlNode& node, LoadContext& ctx);
void read_plugins(const YamlNode& node, LoadContext& ctx);
void read_adapters(const YamlNode& node, LoadContext& ctx);
void read_units(const YamlNode& node, LoadContext& ctx);
void read_case_types(const YamlNode& node, LoadContext& ctx);
void read_routes(const YamlNode& node, LoadContext& ctx);
void read_directory(const YamlNode& node, LoadContext& ctx);
// calendar: and lifecycle: may each appear once in the whole deployment; a
// second one is an error naming the first.
void read_calendar(const YamlNode& node, LoadContext& ctx);
void read_lifecycle(const YamlNode& node, LoadContext& ctx);

// Checks of the calendar: and lifecycle: sections that need the whole
// deployment (every unit, every limit). Call once, after all files are read.
void check_lifecycle(LoadContext& ctx);

// Checks of the units' keys, once keys_dir's keys are read: a key (current or
// previous_key) names one unit only, and no unit has the hub's own public key.
void check_unit_keys(LoadContext& ctx);

// --- helpers shared by the readers ---

// Reads a node as an id: lower-case letters, digits, '_', '.' and '-'.
std::optional<std::string> read_id(const YamlNode& node);
// Reads `map[field]` as an id and declares it as `kind`.
// Returns "" when it is missing or malformed (already reported).
std::string read_declared_id(const YamlMap& map, const std::string& field, SymbolKind kind, LoadContext& ctx);
// Reads `map[field]` as an id to be declared as `kind` somewhere; "" when absent or malformed.
std::string read_reference(const YamlMap& map, const std::string& field, SymbolKind kind, LoadContext& ctx);
// Reads one node as a reference to `kind`.
std::string read_reference(const YamlNode& node, SymbolKind kind, LoadContext& ctx);
// Reads a non-empty display name; warns when it has no Chinese character.
std::string read_display_name(const YamlMap& map, const std::string& field);
// Reads a unit id (a reference) or a prefix pattern such as "pm.*" (every unit
// whose id starts with "pm."), appending it to `ids` or, without the '*', to
// `prefixes`. Returns true when it was a pattern.
bool read_unit_or_prefix(const YamlNode& node, std::vector<std::string>& ids, std::vector<std::string>& prefixes,
                         LoadContext& ctx);
// A route or chain target: a unit id (a reference), or "compound.<role>" with
// a role of Directory::kUnitRoles. nullopt when malformed (reported).
std::optional<Target> read_target(const YamlNode& node, LoadContext& ctx);
// Reads `map[field]` as a limit (parse_limit); nullopt when absent or invalid
// (reported). A working-day limit is recorded in ctx.working_day_limits.
std::optional<Limit> read_limit(const YamlMap& map, const std::string& field, LoadContext& ctx);
// A quota map {messages_per_second, burst_messages, bytes_per_second,
// burst_bytes}: the fields written, each a positive integer.
UnitQuotaOverride read_quota(const YamlNode& node);
// Calls read(item) for each item of a list node; reports a node that is no list.
template <class ReadItem>
void for_each_item(const YamlNode& node, ReadItem read) {
  if (const auto items = node.list())
    for (const YamlNode& item : *items) read(item);
}

// `path` made absolute against the folder of `file`, lexically normal.
std::string absolute_from_file(const std::string& file, const std::string& path);
// `path` made absolute against `folder`, lexically normal.
std::string absolute_from_folder(const std::string& folder, const std::string& path);

}  // namespace hub::config
