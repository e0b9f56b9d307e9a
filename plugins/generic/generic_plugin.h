// plugins/generic/generic_plugin.h: a plugin whose case types are pure data.
//
// Settings: case_types: {<id>: {name, sign_limit, resolve_limit, fields, allow_unknown_fields}}.
// validate checks payloads against the declared fields; no after-commit work.
// Replies are not checked: the types declare no outcomes (any) and no reply fields.
// Thread-safety: immutable after configure; validate may run concurrently.
#pragma once

#include <map>

#include "hub/plugin.h"
#include "payload_schema.h"

namespace hub::generic {

class GenericPlugin : public Plugin {
 public:
  PluginInfo info() const override;
  Status configure(const Json& settings) override;
  std::vector<CaseTypeDecl> case_types() const override;
  Problems validate(const CaseView& c) const override;

 private:
  struct TypeEntry {
    CaseTypeDecl decl;
    PayloadSchema schema;
  };
  std::map<std::string, TypeEntry> types_;
};

}  // namespace hub::generic
