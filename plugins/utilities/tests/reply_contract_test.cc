// What the utilities case types declare about replies (outcomes, reply fields)
// is what validate_reply accepts: in the plugin's logic and in the real module.
#include <catch2/catch.hpp>

#include "plugin_host/module_loader.h"
#include "plugin_host/settings_check.h"
#include "plugin_test_support.h"
#include "reply_contract.h"

using hub::Json;
using hub::plugin_testing::check_free_replies;
using hub::plugin_testing::check_reply_contract;

namespace {

void check_declarations(const hub::Plugin& plugin) {
  check_reply_contract(plugin, "utilities.acceptance_item", "fire",
                       {{"passed", {{"defects", Json::array()}, {"remarks", "消防设施齐全"}}},
                        {"failed",
                         {{"defects", {"3号楼消防栓无水"}}, {"must_act", "developer"}, {"remarks", "限期整改"}},
                         {"/defects", "/must_act"}}});
  check_reply_contract(plugin, "utilities.company_exit", "sd.xinzhou",
                       {{"approved", Json::object()},
                        {"refused", {{"reason", "未完成书面告知"}}, {"/reason"}}});
  // A done handover says what was taken over in /readings or /received:
  // either will do, so neither alone is needed (without both: a problem at "").
  check_reply_contract(plugin, "utilities.handover", "water",
                       {{"done", {{"readings", {{{"meter", "1号楼总表"}, {"reading", 12345}}, "户头已过户"}}}},
                        {"done", {{"received", {"钥匙", "图纸资料"}}}},
                        {"refused", {{"reason", "表具读数与移交清单不符"}}, {"/reason"}}});
  for (const char* type : {"utilities.joint_acceptance", "utilities.reinspection", "utilities.acceptance_result",
                           "utilities.exit_public_notice", "utilities.exit_invalid", "utilities.handover_result"})
    check_free_replies(plugin, type, "sd.xinzhou");
}

}  // namespace

TEST_CASE("the utilities plugin declares the outcomes and reply fields its reply checks accept",
          "[utilities][reply][declarations]") {
  const auto plugin = utilities_test::configured_plugin();
  check_declarations(plugin);

  // The rule the declarations can only state in words: a done handover needs one of the two lists.
  const auto problems = plugin.validate_reply("utilities.handover", utilities_test::final_reply(1, "water", "done"));
  CHECK(utilities_test::has_problem(problems, "", "/readings"));
}

TEST_CASE("the utilities module declares the same outcomes and reply fields across the library boundary",
          "[utilities][module][declarations]") {
  hub::plugin_testing::check_loaded_module(UTILITIES_MODULE_PATH, "utilities", [](hub::Plugin& plugin) { check_declarations(plugin); });
}
