// The deployment (config/hub.yaml with the real plugin files): it loads, the plugin
// accepts its settings, and every category a complaint route names is a
// configured category.
#include <catch2/catch.hpp>

#include "config/loader.h"
#include "governance_plugin.h"
#include "plugin_host/settings_check.h"

using hub::Json;

TEST_CASE("the Xinhui config carries settings the plugin accepts and routes only known categories",
          "[governance][config]") {
  auto loaded = hub::config::load_deployment(std::string(HUB_SOURCE_DIR) + "/config/hub.yaml");
  for (const auto& e : loaded.errors) UNSCOPED_INFO(e.to_string());
  REQUIRE(loaded.ok());
  const auto& d = *loaded.deployment;

  const hub::config::PluginConfig* config = nullptr;
  for (const auto& p : d.plugins)
    if (p.name == "governance") config = &p;
  REQUIRE(config != nullptr);
  hub::governance::GovernancePlugin plugin;
  auto settings = hub::plugin_host::check_settings(plugin.info().settings, config->settings, "plugin governance");
  REQUIRE(settings.ok());
  REQUIRE(plugin.configure(*settings).ok());
  const auto& categories = plugin.settings().complaint_categories;

  // Every case type the plugin declares is configured for it, and nothing else.
  std::set<std::string> declared, configured;
  for (const auto& t : plugin.case_types()) declared.insert(t.id);
  for (const auto& t : d.case_types)
    if (t.plugin == "governance") configured.insert(t.id);
  CHECK(declared == configured);

  std::set<std::string> routed;
  bool fallback = false;
  for (const auto& r : d.routes) {
    if (r.match.types != std::vector<std::string>{"complaint.general"}) continue;
    if (r.match.fields.empty()) fallback = true;
    for (const auto& f : r.match.fields) {
      CHECK(f.pointer == "/category");
      for (const auto& v : f.any_of) {
        INFO("route " << r.id << " names category " << v.dump());
        CHECK(categories.count(v.get<std::string>()) == 1);
        routed.insert(v.get<std::string>());
      }
    }
  }
  CHECK(fallback);  // categories without a route of their own reach the 镇街
  CHECK(routed.count("sanitation") == 1);
  CHECK(routed.count("service") == 1);
}
