// plugins/generic/payload_schema.h: a case type's payload fields, declared in
// config, and the check of a payload against them.
#pragma once

#include <map>
#include <string>

#include "hub/case.h"
#include "hub/status.h"

namespace hub::generic {

struct FieldSpec {
  std::string type;  // string | number | integer | boolean | object | array
  bool required = false;
};

struct PayloadSchema {
  std::map<std::string, FieldSpec> fields;
  bool allow_unknown_fields = true;
};

// Reads {"fields": {name: {"type": .., "required": ..}}, "allow_unknown_fields": ..}.
// Errors name the case type and the field.
Status parse_schema(const std::string& case_type, const Json& spec, PayloadSchema& out);

// Every problem of `payload` against `schema`, as JSON pointers with reasons.
Problems check_payload(const PayloadSchema& schema, const Json& payload);

}  // namespace hub::generic
