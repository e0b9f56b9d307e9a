// plugins/utilities/utilities_plugin.h: joint acceptance of new compounds and
// the handover when a property company leaves (the utilities plugin).
//
// See case_types.h for the case types, acceptance.h and company_exit.h for
// the flows, settings.h for the settings.
// Thread-safety: immutable after configure; validate and validate_reply may run
// concurrently; hooks are called one at a time per case by the host.
#pragma once

#include "hub/plugin.h"
#include "settings.h"

namespace hub::utilities {

class UtilitiesPlugin : public Plugin {
 public:
  PluginInfo info() const override;
  Status configure(const Json& settings) override;
  std::vector<CaseTypeDecl> case_types() const override;
  Problems validate(const CaseView& c) const override;
  Problems validate_reply(const std::string& case_type, const ReplyView& reply) const override;
  HookResult on_accepted(HookContext& ctx, const CaseView& c) override;
  HookResult on_reply(HookContext& ctx, const CaseView& c, const ReplyView& r) override;

 private:
  Settings settings_;
};

}  // namespace hub::utilities
