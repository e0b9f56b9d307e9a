// config/yaml_reader.h: typed, located reading of YAML nodes.
//
// A YamlNode is a yaml-cpp node together with its place in the configuration
// (file, 1-based line and column, key path such as "units[3].may_send[1]").
// Readers check the node's shape, report every problem to the Diagnostics they
// were given, and return std::nullopt on a problem; none of them throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/diagnostics.h"
#include "config/model.h"

namespace hub::config {

class YamlMap;

class YamlNode {
 public:
  // REQUIRES: diag outlives this node and every node read from it.
  YamlNode(YAML::Node node, SourceLocation where, std::string key, Diagnostics& diag);

  const SourceLocation& where() const { return where_; }
  const std::string& key() const { return key_; }
  Diagnostics& diagnostics() const { return *diag_; }
  void error(std::string message) const;
  void warning(std::string message) const;

  bool is_null() const { return node_.IsNull(); }
  bool is_map() const { return node_.IsMap(); }

  // A map whose keys are all in `allowed` and include every key in `required`.
  // Unknown, repeated and missing keys are reported, and the map is still
  // returned so that its known keys get read; nullopt only when it is no map.
  std::optional<YamlMap> map(const std::vector<std::string>& allowed,
                             const std::vector<std::string>& required = {}) const;
  // A map with any scalar keys (free settings, payload field tables).
  std::optional<YamlMap> any_map() const;
  std::optional<std::vector<YamlNode>> list() const;
  // A scalar, read as text whatever it looks like.
  std::optional<std::string> string() const;
  // An unquoted integer within [min, max].
  std::optional<std::int64_t> integer(std::int64_t min, std::int64_t max) const;
  // An unquoted number no smaller than min.
  std::optional<double> number(double min) const;
  // An unquoted true or false.
  std::optional<bool> boolean() const;
  // A single scalar or a list of scalars, as nodes so that each keeps its place.
  std::optional<std::vector<YamlNode>> one_or_list() const;
  // The node as JSON. Quoted scalars are strings; plain ones are null (~, null,
  // empty), booleans (true, false), integers, decimals, or else strings.
  Json json() const;

 private:
  YAML::Node node_;
  SourceLocation where_;
  std::string key_;
  Diagnostics* diag_;
};

// One "key: value" of a map.
struct YamlEntry {
  std::string name;
  SourceLocation name_where;  // where the key is written
  YamlNode value;             // located at the value, or at the key when the value is empty
};

// The entries of a YAML map, in file order.
class YamlMap {
 public:
  explicit YamlMap(std::vector<YamlEntry> entries) : entries_(std::move(entries)) {}

  // The first value written under `key`, or nullopt when the key is absent.
  std::optional<YamlNode> get(std::string_view key) const;
  // The value of `key` read as a string; nullopt when absent or no scalar.
  std::optional<std::string> string(std::string_view key) const;
  const std::vector<YamlEntry>& entries() const { return entries_; }

 private:
  std::vector<YamlEntry> entries_;
};

// Parses the file at `path` (as given). When it cannot be read the error is
// reported at `cited_at`/`cited_key` (the include entry naming it, or the file
// itself); syntax errors are reported at their line and column in the file.
std::optional<YamlNode> read_yaml_file(const std::string& path, const SourceLocation& cited_at,
                                       const std::string& cited_key, Diagnostics& diag);

}  // namespace hub::config
