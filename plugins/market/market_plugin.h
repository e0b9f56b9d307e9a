// plugins/market/market_plugin.h: market regulation's plugin (明码标价,
// 政府指导价): guided-price tables set by the 镇街, companies' price
// disclosures and half-year accounts checked against them, fee changes that
// need the consent of the 镇街 and the zone group, and charge complaints
// delivered with the compound's published and guided prices attached.
//
// Violations found (a price above the guided maximum, a fee item charged but
// not published) are raised as market.price_violation cases; each violation
// raises the governance plugin's credit event in its own on_accepted, so a
// deployment without that case type still gets the violation delivered (only
// the credit step is parked, and can be replayed).
//
// State: plugin-wide tables (price_tables.h); per fee-change case, the
// verdicts gathered so far. Thread-safety: settings are immutable after
// configure, validate may run concurrently; hooks use only their context.
#pragma once

#include "hub/plugin.h"
#include "market_settings.h"

namespace hub::market {

class MarketPlugin : public Plugin {
 public:
  PluginInfo info() const override;
  Status configure(const Json& settings) override;
  std::vector<CaseTypeDecl> case_types() const override;
  Problems validate(const CaseView& c) const override;
  Problems validate_reply(const std::string& case_type, const ReplyView& r) const override;
  HookResult on_accepted(HookContext& ctx, const CaseView& c) override;
  HookResult on_reply(HookContext& ctx, const CaseView& c, const ReplyView& r) override;

  const Settings& settings() const { return settings_; }

 private:
  HookResult guided_price_accepted(HookContext& ctx, const CaseView& c);
  HookResult disclosure_accepted(HookContext& ctx, const CaseView& c);
  HookResult accounts_accepted(HookContext& ctx, const CaseView& c);
  HookResult fee_change_accepted(HookContext& ctx, const CaseView& c);
  HookResult complaint_accepted(HookContext& ctx, const CaseView& c);
  HookResult violation_accepted(HookContext& ctx, const CaseView& c);
  HookResult fee_change_replied(HookContext& ctx, const CaseView& c, const ReplyView& r);

  // Raises a market.price_violation for the compound's company, routed by
  // config. `findings` must not be empty.
  void raise_violation(HookContext& ctx, const CaseView& source, const std::string& company, Json findings,
                       bool with_credit);

  Settings settings_;
};

}  // namespace hub::market
