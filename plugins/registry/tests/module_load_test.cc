// Loads the real registry.so through the host's loader, as hubd does.
#include <catch2/catch.hpp>

#include <set>

#include "plugin_host/module_loader.h"
#include "plugin_host/settings_check.h"

TEST_CASE("the registry module loads, checks its settings, declares its types and validates", "[registry][module]") {
  auto loaded = hub::plugin_host::load_plugin(REGISTRY_MODULE_PATH);
  REQUIRE(loaded.ok());
  hub::Plugin& plugin = ***loaded;
  const auto info = plugin.info();
  CHECK(info.name == "registry");
  CHECK(info.has_hooks);
  REQUIRE(info.settings.size() == 1);
  CHECK(info.settings[0].name == "answer_timeout_seconds");
  CHECK(info.settings[0].type == hub::SettingType::kInt);
  CHECK(info.settings[0].default_value == 120);
  CHECK_FALSE(info.settings[0].help.empty());

  auto defaults = hub::plugin_host::check_settings(info.settings, hub::Json::object(), "plugin registry");
  REQUIRE(defaults.ok());
  CHECK(*defaults == hub::Json{{"answer_timeout_seconds", 120}});
  auto wrong_type = hub::plugin_host::check_settings(info.settings, {{"answer_timeout_seconds", "2m"}}, "plugin registry");
  REQUIRE_FALSE(wrong_type.ok());
  CHECK_THAT(wrong_type.status().message(), Catch::Contains("'answer_timeout_seconds' must be of type integer"));
  auto unknown = hub::plugin_host::check_settings(info.settings, {{"timeout", 5}}, "plugin registry");
  REQUIRE_FALSE(unknown.ok());
  CHECK_THAT(unknown.status().message(), Catch::Contains("unknown setting 'timeout'"));

  auto refused = plugin.configure({{"answer_timeout_seconds", 0}});
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.message(), Catch::Contains("answer_timeout_seconds must be between 1 and 86400"));
  REQUIRE(plugin.configure(*defaults).ok());

  std::set<std::pair<std::string, std::string>> types;
  for (const auto& t : plugin.case_types()) types.insert({t.id, t.display_name});
  CHECK(types == std::set<std::pair<std::string, std::string>>{{"registry.fee_check", "物业费结清查询"},
                                                               {"registry.settlement_reminder", "物业费结清提醒"}});

  hub::CaseView c{0, "registry.fee_check", "registry", "R-1", "", {{"dwelling", "3-2-501"}}};
  std::set<std::string> pointers;
  for (const auto& p : plugin.validate(c)) pointers.insert(p.pointer);
  CHECK(pointers == std::set<std::string>{"", "/seller", "/buyer", "/application_id"});

  auto reply = plugin.validate_reply("registry.fee_check", {1, 1, "pm.jinxiu", true, "done", hub::Json::object()});
  REQUIRE(reply.size() == 1);
  CHECK(reply[0].pointer == "");
  CHECK(plugin.validate_reply("registry.fee_check", {1, 1, "pm.jinxiu", true, "settled", hub::Json::object()}).empty());
}
