#include "test_settings.h"

#include <catch2/catch.hpp>

namespace hub::governance::testing {

Json settings_with(const Json& overrides) {
  Json s = Json::object();
  for (const auto& d : setting_decls())
    if (!d.default_value.is_null()) s[d.name] = d.default_value;
  for (const auto& [key, value] : overrides.items()) s[key] = value;
  return s;
}

GovernancePlugin configured(const Json& overrides) {
  GovernancePlugin plugin;
  const Status s = plugin.configure(settings_with(overrides));
  INFO(s.to_string());
  REQUIRE(s.ok());
  return plugin;
}

CaseView make_case(const std::string& type, const std::string& origin, const std::string& compound, Json payload,
                   CaseId id) {
  return CaseView{id, type, origin, "ref-" + std::to_string(id), compound, std::move(payload)};
}

std::set<std::string> pointers(const Problems& problems) {
  std::set<std::string> out;
  for (const auto& p : problems) out.insert(p.pointer);
  return out;
}

std::string reason_at(const Problems& problems, const std::string& pointer) {
  std::string out;
  for (const auto& p : problems)
    if (p.pointer == pointer) out += (out.empty() ? "" : " | ") + p.reason;
  return out;
}

plugin_testing::RecordingContext context() {
  plugin_testing::RecordingContext ctx;
  ctx.compounds["jinxiu"] = plugin_testing::compound_entry("jinxiu", "A", "pm.jinxiu", "sd.xinzhou", "community.jianshe");
  ctx.compounds["jinxiu"]["committee"] = "";
  ctx.compounds["xinzhou"] = plugin_testing::compound_entry("xinzhou", "A", "pm.jinxiu", "sd.xinzhou", "community.dongcheng");
  return ctx;
}

}  // namespace hub::governance::testing
