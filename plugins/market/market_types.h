// plugins/market/market_types.h: the market plugin's case types, as data.
//
// Seven case types about property-service prices (明码标价, 政府指导价): four
// sent by units (guided prices, price disclosure, half-year accounts, fee
// change), one complaint type, and two the plugin raises itself (a price
// violation lead, a fee-change decision notice).
#pragma once

#include <vector>

#include "hub/plugin.h"

namespace hub::market {

inline constexpr const char* kGuidedPrice = "market.guided_price";
inline constexpr const char* kDisclosure = "market.price_disclosure";
inline constexpr const char* kAccounts = "market.half_year_accounts";
inline constexpr const char* kFeeChange = "market.fee_change";
inline constexpr const char* kDecision = "market.fee_change_decision";
inline constexpr const char* kComplaint = "market.price_complaint";
inline constexpr const char* kViolation = "market.price_violation";

// The fields of one element of a list field, checked per element.
struct ItemFields {
  const char* list;  // pointer of the list, e.g. "/fee_items"
  std::vector<FieldDecl> fields;
};

// Top-level field declarations of every type (what CaseTypeDecl::fields shows).
std::vector<CaseTypeDecl> declared_case_types();
// What a final reply to a fee change says (market.fee_change's outcomes and
// reply fields); validate_fee_change_reply checks it.
const std::vector<OutcomeDecl>& fee_change_outcomes();
const std::vector<FieldDecl>& fee_change_reply_fields();
// The element fields of a fee item list ({name, price_yuan, unit, basis}).
const std::vector<FieldDecl>& fee_item_fields();

}  // namespace hub::market
