// What the market case types declare about replies (outcomes, reply fields) is
// what validate_reply accepts: in the plugin's logic and in the real module.
#include <catch2/catch.hpp>

#include "fixture.h"
#include "market_types.h"
#include "plugin_host/module_loader.h"
#include "plugin_host/settings_check.h"
#include "reply_contract.h"

using hub::Json;
using hub::plugin_testing::check_free_replies;
using hub::plugin_testing::check_reply_contract;

namespace {

void check_declarations(const hub::Plugin& plugin) {
  check_reply_contract(plugin, hub::market::kFeeChange, "sd.xinzhou",
                       {{"approved", Json::object()},
                        {"approved", {{"reason", "未超过政府指导价"}}},
                        {"refused", {{"reason", "涨幅过大，未征求业主意见"}}, {"/reason"}}});
  for (const char* type : {hub::market::kGuidedPrice, hub::market::kDisclosure, hub::market::kAccounts,
                           hub::market::kComplaint, hub::market::kViolation, hub::market::kDecision})
    check_free_replies(plugin, type, "market");
}

}  // namespace

TEST_CASE("the market plugin declares the outcomes and reply fields its reply checks accept",
          "[market][rules][declarations]") {
  hub::market::MarketPlugin plugin;
  REQUIRE(plugin.configure(market_test::settings_with()).ok());
  check_declarations(plugin);
}

TEST_CASE("the market module declares the same outcomes and reply fields across the library boundary",
          "[market][module][declarations]") {
  hub::plugin_testing::check_loaded_module(MARKET_MODULE_PATH, "market", [](hub::Plugin& plugin) { check_declarations(plugin); });
}
