// plugins/generic/payload_schema.h: a case type's payload fields, declared in
// config, and the check of a payload against them.
#pragma once

#include <string>
#include <vector>

#include "hub/payload.h"
#include "hub/status.h"

namespace hub::generic {

struct PayloadSchema {
  std::vector<FieldDecl> fields;  // top-level fields, pointer "/<name>"
  bool allow_unknown_fields = true;
};

// Reads {"fields": {name: {"type": .., "required": .., "help": ..}}, "allow_unknown_fields": ..}.
// Types: string, number, integer, boolean, object, array, date, month, datetime.
// Errors name the case type and the field.
Status parse_schema(const std::string& case_type, const Json& spec, PayloadSchema& out);

// Every problem of `payload` against `schema`, as JSON pointers with reasons.
Problems check_payload(const PayloadSchema& schema, const Json& payload);

}  // namespace hub::generic
