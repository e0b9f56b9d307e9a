#include "plugin_test_support.h"

#include <stdexcept>

#include "case_types.h"
#include "local_dates.h"

namespace utilities_test {

using hub::plugin_testing::compound_entry;
using hub::plugin_testing::RecordingContext;

hub::utilities::UtilitiesPlugin configured_plugin(const Json& settings) {
  hub::utilities::UtilitiesPlugin plugin;
  const hub::Status s = plugin.configure(settings);
  if (!s.ok()) throw std::runtime_error("configure: " + s.message());
  return plugin;
}

RecordingContext context() {
  RecordingContext ctx;
  ctx.clock = *hub::utilities::start_of_local_day("2026-03-02") + std::chrono::hours(9);
  ctx.compounds["jinxiu"] = compound_entry("jinxiu", "A", "pm.jinxiu", "sd.xinzhou", "community.jianshe", "zg.zone01");
  ctx.compounds["huimin"] = compound_entry("huimin", "C", "pm.anju", "sd.huizhou", "community.huimin", "zg.zone06");
  Json beicheng = compound_entry("beicheng", "C", "", "town.xinhui", "community.beicheng", "zg.zone13");
  beicheng["team"] = "";
  ctx.compounds["beicheng"] = beicheng;
  return ctx;
}

hub::CaseView make_case(hub::CaseId id, const std::string& type, const std::string& origin, const std::string& compound,
                        Json payload) {
  return {id, type, origin, "REF-" + std::to_string(id), compound, std::move(payload)};
}

hub::ReplyView final_reply(std::int64_t id, const std::string& from, const std::string& outcome, Json body) {
  return {id, 1000 + id, from, true, outcome, std::move(body)};
}

hub::ReplyView progress_reply(std::int64_t id, const std::string& from, Json body) {
  return {id, 1000 + id, from, false, "", std::move(body)};
}

hub::CaseView as_case(hub::CaseId id, const hub::FollowUpCase& f) {
  return {id, f.type, std::string(hub::utilities::kOrigin), f.key, f.compound, f.payload};
}

std::string invalid_follow_ups(const hub::utilities::UtilitiesPlugin& plugin, const RecordingContext& ctx) {
  std::string out;
  for (const auto& f : ctx.raised) {
    const auto problems = plugin.validate(as_case(0, f));
    if (!problems.empty()) out += f.type + " " + f.key + ":\n" + listing(problems);
  }
  return out;
}

std::string listing(const hub::Problems& problems) {
  std::string out;
  for (const auto& p : problems) out += "  " + p.pointer + ": " + p.reason + "\n";
  return out;
}

bool has_problem(const hub::Problems& problems, const std::string& pointer, const std::string& text) {
  for (const auto& p : problems)
    if (p.pointer == pointer && p.reason.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace utilities_test
