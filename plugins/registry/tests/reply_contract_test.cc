// What the registry's case types declare about replies (outcomes, reply
// fields) is what validate_reply accepts: in the plugin's logic and in the
// real module.
#include <catch2/catch.hpp>

#include "plugin_host/module_loader.h"
#include "plugin_host/settings_check.h"
#include "registry_plugin.h"
#include "reply_contract.h"

using hub::Json;
using hub::plugin_testing::check_free_replies;
using hub::plugin_testing::check_reply_contract;

namespace {

void check_declarations(const hub::Plugin& plugin) {
  check_reply_contract(plugin, "registry.fee_check", "pm.jinxiu",
                       {{"settled", {{"amount_yuan", 0}, {"note", "已核实，无欠费"}}},
                        {"arrears",
                         {{"amount_yuan", 1260.5},
                          {"period", {{"from", "2024-07"}, {"to", "2025-06"}}},
                          {"note", "已通知业主"}},
                         {"/amount_yuan", "/period", "/period/from", "/period/to"}}});
  check_free_replies(plugin, "registry.settlement_reminder", "registry");
}

}  // namespace

TEST_CASE("the registry declares the outcomes and reply fields its reply checks accept",
          "[registry][rules][declarations]") {
  hub::registry::RegistryPlugin plugin;
  REQUIRE(plugin.configure(Json::object()).ok());
  check_declarations(plugin);
}

TEST_CASE("the registry module declares the same outcomes and reply fields across the library boundary",
          "[registry][module][declarations]") {
  hub::plugin_testing::check_loaded_module(REGISTRY_MODULE_PATH, "registry", [](hub::Plugin& plugin) { check_declarations(plugin); });
}
