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

// Everything one load builds up.
struct LoadContext {
  Deployment deployment;
  SymbolTable symbols;
  Diagnostics diag;
  std::vector<UnitWithoutKey> units_without_key;
};

void read_hub(const YamlNode& node, LoadContext& ctx);
void read_plugins(const YamlNode& node, LoadContext& ctx);
void read_adapters(const YamlNode& node, LoadContext& ctx);
void read_units(const YamlNode& node, LoadContext& ctx);
void read_case_types(const YamlNode& node, LoadContext& ctx);
void read_routes(const YamlNode& node, LoadContext& ctx);
void read_directory(const YamlNode& node, LoadContext& ctx);

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
