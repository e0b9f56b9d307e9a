#include "config/yaml_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

namespace hub::config {
namespace {

SourceLocation location_of(const YAML::Node& node, const std::string& file) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

bool is_identifier(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// "parent.name", or parent["name"] when name is not a plain identifier.
std::string child_key(const std::string& parent, const std::string& name) {
  if (!is_identifier(name)) return parent + "[\"" + name + "\"]";
  return parent.empty() ? name : parent + "." + name;
}

std::string index_key(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

bool is_quoted(const YAML::Node& scalar) { return scalar.Tag() == "!"; }

// What a node is, for "expected X, found Y" messages.
std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return is_quoted(node) ? "the quoted string \"" + node.Scalar() + "\""
                                                        : "'" + node.Scalar() + "'";
    default: return "nothing";
  }
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<double> parse_decimal(std::string_view text) {
  if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text.front())) || text.front() == '-' ||
                        text.front() == '+' || text.front() == '.'))
    return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

Json plain_scalar_json(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (const auto integer = parse_integer(text)) return *integer;
  if (const auto decimal = parse_decimal(text)) return *decimal;
  return text;
}

std::string range_text(std::int64_t min, std::int64_t max) {
  if (max == std::numeric_limits<std::int64_t>::max()) return "an integer of at least " + std::to_string(min);
  return "an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

}  // namespace

YamlNode::YamlNode(YAML::Node node, SourceLocation where, std::string key, Diagnostics& diag)
    : node_(std::move(node)), where_(std::move(where)), key_(std::move(key)), diag_(&diag) {}

void YamlNode::error(std::string message) const { diag_->error(where_, key_, std::move(message)); }
void YamlNode::warning(std::string message) const { diag_->warning(where_, key_, std::move(message)); }

std::optional<YamlMap> YamlNode::any_map() const {
  if (!node_.IsMap()) {
    error("expected a map (key: value lines), found " + describe(node_));
    return std::nullopt;
  }
  std::vector<YamlEntry> entries;
  for (const auto& item : node_) {
    const SourceLocation name_where = location_of(item.first, where_.file);
    if (!item.first.IsScalar()) {
      diag_->error(name_where, key_, "expected a plain key, found " + describe(item.first));
      continue;
    }
    const std::string name = item.first.Scalar();
    const std::string key = child_key(key_, name);
    const auto earlier = std::find_if(entries.begin(), entries.end(), [&](const YamlEntry& e) { return e.name == name; });
    if (earlier != entries.end()) {
      diag_->error(name_where, key,
                   "key written twice; the first is at line " + std::to_string(earlier->name_where.line) +
                       " (expected each key once)");
      continue;
    }
    const SourceLocation value_where = item.second.IsNull() ? name_where : location_of(item.second, where_.file);
    entries.push_back({name, name_where, YamlNode(item.second, value_where, key, *diag_)});
  }
  return YamlMap(std::move(entries));
}

std::optional<YamlMap> YamlNode::map(const std::vector<std::string>& allowed,
                                     const std::vector<std::string>& required) const {
  auto result = any_map();
  if (!result) return std::nullopt;
  for (const YamlEntry& entry : result->entries()) {
    if (std::find(allowed.begin(), allowed.end(), entry.name) != allowed.end()) continue;
    diag_->error(entry.name_where, entry.value.key(),
                 "unknown key" + did_you_mean(entry.name, allowed) + "; allowed here: " + join(allowed));
  }
  for (const std::string& name : required) {
    if (!result->get(name)) diag_->error(where_, child_key(key_, name), "required key is missing");
  }
  return result;
}

std::optional<std::vector<YamlNode>> YamlNode::list() const {
  if (!node_.IsSequence()) {
    error("expected a list (lines starting with '- ' or [a, b]), found " + describe(node_));
    return std::nullopt;
  }
  std::vector<YamlNode> items;
  for (std::size_t i = 0; i < node_.size(); ++i) {
    const YAML::Node item = node_[i];
    const SourceLocation item_where = item.IsNull() ? where_ : location_of(item, where_.file);
    items.emplace_back(item, item_where, index_key(key_, i), *diag_);
  }
  return items;
}

std::optional<std::string> YamlNode::string() const {
  if (!node_.IsScalar()) {
    error("expected a string, found " + describe(node_));
    return std::nullopt;
  }
  return node_.Scalar();
}

std::optional<std::int64_t> YamlNode::integer(std::int64_t min, std::int64_t max) const {
  const auto value = node_.IsScalar() && !is_quoted(node_) ? parse_integer(node_.Scalar()) : std::nullopt;
  if (!value || *value < min || *value > max) {
    error("expected " + range_text(min, max) + ", found " + describe(node_));
    return std::nullopt;
  }
  return value;
}

std::optional<double> YamlNode::number(double min) const {
  const Json value = node_.IsScalar() && !is_quoted(node_) ? plain_scalar_json(node_.Scalar()) : Json();
  if (!value.is_number() || value.get<double>() < min) {
    error("expected a number of at least " + Json(min).dump() + ", found " + describe(node_));
    return std::nullopt;
  }
  return value.get<double>();
}

std::optional<bool> YamlNode::boolean() const {
  const Json value = node_.IsScalar() && !is_quoted(node_) ? plain_scalar_json(node_.Scalar()) : Json();
  if (!value.is_boolean()) {
    error("expected true or false, found " + describe(node_));
    return std::nullopt;
  }
  return value.get<bool>();
}

std::optional<std::vector<YamlNode>> YamlNode::one_or_list() const {
  if (node_.IsScalar()) return std::vector<YamlNode>{*this};
  if (node_.IsSequence()) return list();
  error("expected a string or a list of strings, found " + describe(node_));
  return std::nullopt;
}

Json YamlNode::json() const {
  switch (node_.Type()) {
    case YAML::NodeType::Scalar:
      return is_quoted(node_) ? Json(node_.Scalar()) : plain_scalar_json(node_.Scalar());
    case YAML::NodeType::Sequence: {
      Json array = Json::array();
      const auto items = list();
      for (const YamlNode& item : *items) array.push_back(item.json());
      return array;
    }
    case YAML::NodeType::Map: {
      Json object = Json::object();
      const auto map = any_map();
      for (const YamlEntry& entry : map->entries()) object[entry.name] = entry.value.json();
      return object;
    }
    default: return nullptr;
  }
}

std::optional<YamlNode> YamlMap::get(std::string_view key) const {
  for (const YamlEntry& entry : entries_)
    if (entry.name == key) return entry.value;
  return std::nullopt;
}

std::optional<std::string> YamlMap::string(std::string_view key) const {
  const auto value = get(key);
  return value ? value->string() : std::nullopt;
}

std::optional<YamlNode> read_yaml_file(const std::string& path, const SourceLocation& cited_at,
                                       const std::string& cited_key, Diagnostics& diag) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    diag.error(cited_at, cited_key, "file '" + path + "' does not exist (expected a YAML file)");
    return std::nullopt;
  }
  if (std::filesystem::is_directory(path, ec)) {
    diag.error(cited_at, cited_key, "'" + path + "' is a folder (expected a YAML file)");
    return std::nullopt;
  }
  std::ifstream in(path);
  if (!in) {
    diag.error(cited_at, cited_key, "file '" + path + "' cannot be read: check its permissions");
    return std::nullopt;
  }
  try {
    YAML::Node root = YAML::Load(in);
    return YamlNode(root, {path, 1, 1}, "", diag);
  } catch (const YAML::Exception& e) {
    const SourceLocation where = e.mark.is_null() ? SourceLocation{path, 0, 0}
                                                  : SourceLocation{path, e.mark.line + 1, e.mark.column + 1};
    diag.error(where, "", "YAML syntax error: " + e.msg);
    return std::nullopt;
  }
}

}  // namespace hub::config
