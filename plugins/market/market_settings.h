// plugins/market/market_settings.h: the market plugin's settings, declared
// once (names, types, defaults, help) and checked at configure.
#pragma once

#include <string>
#include <vector>

#include "hub/plugin.h"

namespace hub::market {

struct Settings {
  // Case type of the credit event a violation raises (owned by the governance
  // plugin); empty: no credit events.
  std::string credit_event_type = "governance.credit_event";
  // Points deducted per violation (the credit event carries minus this).
  int violation_points = 5;
  // Whether a violation found from a complaint (an unverified lead) also
  // deducts credit points; disclosures and accounts always do.
  bool credit_for_complaints = false;
  // Units a guided-price table must have been set with (发改, 住建, 城管).
  std::vector<std::string> required_consulted{"fgw", "zjj", "cgj"};
  // Compound classes a guided-price table may be set for.
  std::vector<std::string> classes{"A", "B", "C"};
  // Market regulation: receives the fee-change decision notices.
  std::string regulator = "market";
};

std::vector<SettingDecl> setting_decls();

// Reads settings already checked against setting_decls() (defaults filled)
// and checks their values; on error `out` is unspecified.
Status parse_settings(const Json& settings, Settings& out);

}  // namespace hub::market
