// plugins/market/market_rules.h: the payload rules of the market case types.
//
// Pure functions of the case and the settings: safe to call concurrently.
// Each lists every problem as a JSON pointer into the payload with the reason.
#pragma once

#include "hub/plugin.h"
#include "market_settings.h"

namespace hub::market {

Problems validate_case(const Settings& settings, const CaseView& c);

// A receiver's reply to a fee change: a final reply decides, with the outcome
// "approved" or "refused" (fee_change_outcomes()); a refusal carries /reason.
Problems validate_fee_change_reply(const ReplyView& r);

// "2026-H1" or "2026-H2".
bool is_half_year(const std::string& s);

}  // namespace hub::market
