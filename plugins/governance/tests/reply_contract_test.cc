// What the governance case types declare about replies (outcomes, reply
// fields) is what validate_reply accepts: in the plugin's logic and in the
// real module.
#include <catch2/catch.hpp>

#include "case_types.h"
#include "plugin_host/module_loader.h"
#include "plugin_host/settings_check.h"
#include "reply_contract.h"
#include "test_settings.h"

using namespace hub::governance;
using hub::Json;
using hub::plugin_testing::check_free_replies;
using hub::plugin_testing::check_reply_contract;

namespace {

void check_declarations(const hub::Plugin& plugin) {
  check_reply_contract(plugin, kCreditEvent, "cgj",
                       {{"recorded", Json::object()}, {"refused", {{"reason", "经复核，该小区保洁已达标"}}, {"/reason"}}});
  check_reply_contract(plugin, kFundQuery, "zjj",
                       {{"answered", {{"balance_yuan", 25630.5}, {"as_of", "2026-03-10"}}, {"/balance_yuan", "/as_of"}},
                        {"answered", {{"balance_yuan", 0}, {"as_of", "2026-03-10"}}, {"/balance_yuan", "/as_of"}},
                        {"refused", {{"reason", "该房屋未交存专项维修资金"}}, {"/reason"}}});
  check_reply_contract(plugin, kElectionFiling, "zjj",
                       {{"filed", {{"filing_no", "住建备〔2026〕12号"}}},
                        {"returned", {{"reasons", {"缺少业主大会表决记录"}}}, {"/reasons"}}});
  check_reply_contract(plugin, kCommonIncome, "zg.zone01",
                       {{"approved", Json::object()}, {"refused", {{"reason", "未附业主大会决议"}}, {"/reason"}}});
  for (const char* type : {kComplaint, kCreditQuery, kFundDecision, kCommitteeDecision, kCreditEventNotice,
                           kCreditStatusNotice, kCreditReport, kSupervisionNotice})
    check_free_replies(plugin, type, "zjj");
}

}  // namespace

TEST_CASE("the governance plugin declares the outcomes and reply fields its reply checks accept",
          "[governance][replies][declarations]") {
  check_declarations(testing::configured());
}

TEST_CASE("the governance module declares the same outcomes and reply fields across the library boundary",
          "[governance][module][declarations]") {
  hub::plugin_testing::check_loaded_module(GOVERNANCE_MODULE_PATH, "governance", [](hub::Plugin& plugin) { check_declarations(plugin); });
}
