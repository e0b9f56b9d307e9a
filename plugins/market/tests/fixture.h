// A market plugin configured for logic tests, with a RecordingContext that
// knows the compounds the tests use.
#pragma once

#include <catch2/catch.hpp>

#include "market_plugin.h"
#include "market_settings.h"
#include "recording_context.h"

namespace market_test {

using hub::CaseView;
using hub::Json;

// The settings with every default filled, as the host passes them, `overrides` applied.
inline Json settings_with(const Json& overrides = Json::object()) {
  Json s = Json::object();
  for (const auto& d : hub::market::setting_decls()) s[d.name] = d.default_value;
  for (const auto& [k, v] : overrides.items()) s[k] = v;
  return s;
}

// Pointers of the problems, in order.
inline std::vector<std::string> pointers(const hub::Problems& problems) {
  std::vector<std::string> out;
  for (const auto& p : problems) out.push_back(p.pointer);
  return out;
}

// The reason given for `pointer` ("" when none).
inline std::string reason_at(const hub::Problems& problems, const std::string& pointer) {
  for (const auto& p : problems)
    if (p.pointer == pointer) return p.reason;
  return "";
}

struct Fixture {
  hub::market::MarketPlugin plugin;
  hub::plugin_testing::RecordingContext ctx;
  hub::CaseId next_id = 100;

  explicit Fixture(const Json& overrides = Json::object()) {
    REQUIRE(plugin.configure(settings_with(overrides)).ok());
    using hub::plugin_testing::compound_entry;
    ctx.compounds["jinxiu"] =
        compound_entry("jinxiu", "A", "pm.jinxiu", "sd.xinzhou", "community.jianshe", "zg.zone01");
    ctx.compounds["huimin"] = compound_entry("huimin", "C", "pm.anju", "sd.huizhou", "community.huimin", "zg.zone06");
    ctx.compounds["gongxiao"] = compound_entry("gongxiao", "C", "", "sd.huizhou", "community.huimin", "zg.zone06");
    // 2026-03-10 10:00 in Xinhui (02:00 UTC).
    ctx.clock = std::chrono::sys_days{std::chrono::year{2026} / 3 / 10} + std::chrono::hours(2);
  }

  CaseView make(const std::string& type, const std::string& origin, const std::string& compound, Json payload) {
    return {next_id++, type, origin, "ref-" + std::to_string(next_id), compound, std::move(payload)};
  }

  // Validates (must pass) and runs on_accepted (must succeed).
  CaseView accept(const std::string& type, const std::string& origin, const std::string& compound, Json payload) {
    CaseView c = make(type, origin, compound, std::move(payload));
    const auto problems = plugin.validate(c);
    INFO((problems.empty() ? std::string() : problems.front().pointer + ": " + problems.front().reason));
    REQUIRE(problems.empty());
    ctx.current_case = c.id;
    REQUIRE(plugin.on_accepted(ctx, c).ok());
    return c;
  }

  // Replies to `c` as `from`; the reply must pass the plugin's check.
  void reply(const CaseView& c, const std::string& from, const std::string& outcome, Json body = Json::object()) {
    static std::int64_t reply_id = 500;
    hub::ReplyView r{++reply_id, 900, from, true, outcome, std::move(body)};
    REQUIRE(plugin.validate_reply(c.type, r).empty());
    ctx.current_case = c.id;
    REQUIRE(plugin.on_reply(ctx, c, r).ok());
  }

  // Runs on_accepted for a follow-up the plugin raised (a violation), as the hub would.
  CaseView accept_follow_up(const hub::FollowUpCase& f) {
    return accept(f.type, "plugin:market", f.compound, f.payload);
  }

  std::optional<Json> global(const std::string& key) { return ctx.load_global(key); }
};

}  // namespace market_test
