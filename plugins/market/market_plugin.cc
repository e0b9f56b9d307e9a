#include "market_plugin.h"

#include "market_rules.h"
#include "market_types.h"

namespace hub::market {

PluginInfo MarketPlugin::info() const {
  return {"market", "1.0",
          "prices: guided-price tables, disclosures, half-year accounts, fee changes, charge complaints",
          setting_decls(), true};
}

Status MarketPlugin::configure(const Json& settings) { return parse_settings(settings, settings_); }

std::vector<CaseTypeDecl> MarketPlugin::case_types() const { return declared_case_types(); }

Problems MarketPlugin::validate(const CaseView& c) const { return validate_case(settings_, c); }

Problems MarketPlugin::validate_reply(const std::string& case_type, const ReplyView& r) const {
  if (case_type == kFeeChange) return validate_fee_change_reply(r);
  return {};
}

HookResult MarketPlugin::on_accepted(HookContext& ctx, const CaseView& c) {
  if (c.type == kGuidedPrice) return guided_price_accepted(ctx, c);
  if (c.type == kDisclosure) return disclosure_accepted(ctx, c);
  if (c.type == kAccounts) return accounts_accepted(ctx, c);
  if (c.type == kFeeChange) return fee_change_accepted(ctx, c);
  if (c.type == kComplaint) return complaint_accepted(ctx, c);
  if (c.type == kViolation) return violation_accepted(ctx, c);
  return {};
}

HookResult MarketPlugin::on_reply(HookContext& ctx, const CaseView& c, const ReplyView& r) {
  if (c.type == kFeeChange) return fee_change_replied(ctx, c, r);
  return {};
}

}  // namespace hub::market
