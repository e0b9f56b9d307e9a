// plugins/governance/governance_plugin.h: the governance plugin.
//
// Complaints routed by category, property companies' credit files, owners'
// decisions checked against the thresholds before they reach 住建局, owners'
// committee filings, decisions and spending of common income. See README.md.
//
// Thread-safety: settings are immutable after configure; validate and
// validate_reply read them only and may run concurrently. Hooks keep their
// state in the hub's store through HookContext.
#pragma once

#include "hub/plugin.h"
#include "settings.h"

namespace hub::governance {

class GovernancePlugin : public Plugin {
 public:
  PluginInfo info() const override;
  Status configure(const Json& settings) override;
  std::vector<CaseTypeDecl> case_types() const override;
  Problems validate(const CaseView& c) const override;
  Problems validate_reply(const std::string& case_type, const ReplyView& reply) const override;
  HookResult on_accepted(HookContext& ctx, const CaseView& c) override;
  HookResult on_reply(HookContext& ctx, const CaseView& c, const ReplyView& r) override;

  const Settings& settings() const { return settings_; }

 private:
  Settings settings_;
  bool configured_ = false;
};

}  // namespace hub::governance
