#include "payload_schema.h"

#include <algorithm>
#include <array>
#include <utility>

namespace hub::generic {
namespace {

constexpr std::array<std::pair<std::string_view, FieldType>, 9> kTypes = {{{"string", FieldType::kString},
                                                                           {"number", FieldType::kNumber},
                                                                           {"integer", FieldType::kInteger},
                                                                           {"boolean", FieldType::kBoolean},
                                                                           {"object", FieldType::kObject},
                                                                           {"array", FieldType::kArray},
                                                                           {"date", FieldType::kDate},
                                                                           {"month", FieldType::kMonth},
                                                                           {"datetime", FieldType::kDateTime}}};

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
    const std::string type = f["type"].get<std::string>();
    const auto known = std::find_if(kTypes.begin(), kTypes.end(), [&](const auto& t) { return t.first == type; });
    if (known == kTypes.end())
      return Status::InvalidArgument("case type " + case_type + ", field " + name + ": unknown type '" + type +
                                     "' (expected string, number, integer, boolean, object, array, date, month or datetime)");
    out.fields.push_back({pointer_to(name), known->second, f.value("required", false), f.value("help", "")});
  }
  return {};
}

Problems check_payload(const PayloadSchema& schema, const Json& payload) {
  Problems problems = check_fields(schema.fields, payload);
  if (!payload.is_object() || schema.allow_unknown_fields) return problems;
  for (const auto& [name, value] : payload.items()) {
    const std::string pointer = pointer_to(name);
    const bool declared =
        std::any_of(schema.fields.begin(), schema.fields.end(), [&](const FieldDecl& f) { return f.pointer == pointer; });
    if (!declared) problems.push_back({pointer, "unknown field"});
  }
  return problems;
}

}  // namespace hub::generic
