#include "payload_schema.h"

#include <array>

namespace hub::generic {
namespace {

constexpr std::array<std::string_view, 6> kTypes = {"string", "number", "integer", "boolean", "object", "array"};

bool matches(const std::string& type, const Json& v) {
  if (type == "string") return v.is_string();
  if (type == "number") return v.is_number();
  if (type == "integer") return v.is_number_integer();
  if (type == "boolean") return v.is_boolean();
  if (type == "object") return v.is_object();
  return type == "array" && v.is_array();
}

// RFC 6901: '~' → "~0", '/' → "~1".
std::string pointer_to(const std::string& field) {
  std::string out = "/";
  for (char c : field) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

}  // namespace

Status parse_schema(const std::string& case_type, const Json& spec, PayloadSchema& out) {
  if (!spec.is_object()) return Status::InvalidArgument("case type " + case_type + ": expected a map");
  if (auto it = spec.find("allow_unknown_fields"); it != spec.end()) {
    if (!it->is_boolean()) return Status::InvalidArgument("case type " + case_type + ": allow_unknown_fields must be true or false");
    out.allow_unknown_fields = it->get<bool>();
  }
  auto fields = spec.find("fields");
  if (fields == spec.end()) return {};
  if (!fields->is_object()) return Status::InvalidArgument("case type " + case_type + ": fields must be a map");
  for (const auto& [name, f] : fields->items()) {
    if (!f.is_object() || !f.contains("type") || !f["type"].is_string())
      return Status::InvalidArgument("case type " + case_type + ", field " + name + ": expected {type: ..., required: ...}");
    FieldSpec fs{f["type"].get<std::string>(), f.value("required", false)};
    bool known = false;
    for (auto t : kTypes) known = known || t == fs.type;
    if (!known)
      return Status::InvalidArgument("case type " + case_type + ", field " + name + ": unknown type '" + fs.type +
                                     "' (expected string, number, integer, boolean, object or array)");
    out.fields.emplace(name, fs);
  }
  return {};
}

Problems check_payload(const PayloadSchema& schema, const Json& payload) {
  if (!payload.is_object()) return {{"", "the payload must be a JSON object"}};
  Problems problems;
  for (const auto& [name, spec] : schema.fields) {
    auto it = payload.find(name);
    if (it == payload.end() || it->is_null()) {
      if (spec.required) problems.push_back({pointer_to(name), "required " + spec.type + " is missing"});
      continue;
    }
    if (!matches(spec.type, *it)) problems.push_back({pointer_to(name), "must be a " + spec.type});
    else if (spec.required && it->is_string() && it->get_ref<const std::string&>().empty())
      problems.push_back({pointer_to(name), "must not be empty"});
  }
  if (!schema.allow_unknown_fields)
    for (const auto& [name, value] : payload.items())
      if (!schema.fields.count(name)) problems.push_back({pointer_to(name), "unknown field"});
  return problems;
}

}  // namespace hub::generic
