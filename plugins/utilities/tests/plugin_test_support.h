// Helpers for the utilities plugin's logic tests: a configured plugin, a
// RecordingContext with a few compounds, cases and replies as the hub would
// hand them to the plugin.
#pragma once

#include <string>

#include "recording_context.h"
#include "utilities_plugin.h"

namespace utilities_test {

using hub::Json;

// The plugin with its default settings (or `settings`).
hub::utilities::UtilitiesPlugin configured_plugin(const Json& settings = Json::object());

// A context that knows jinxiu (pm.jinxiu, sd.xinzhou, team.jinxiu, oc.jinxiu),
// huimin (pm.anju, sd.huizhou) and beicheng (no company, no team), at
// 2026-03-02 09:00 local time.
hub::plugin_testing::RecordingContext context();

hub::CaseView make_case(hub::CaseId id, const std::string& type, const std::string& origin, const std::string& compound,
                        Json payload);
hub::ReplyView final_reply(std::int64_t id, const std::string& from, const std::string& outcome, Json body = Json::object());
hub::ReplyView progress_reply(std::int64_t id, const std::string& from, Json body);

// A follow-up as the hub would store it, for feeding back to the plugin.
hub::CaseView as_case(hub::CaseId id, const hub::FollowUpCase& f);

// Every follow-up raised so far passes the plugin's own validate(), as the hub
// requires before storing it; returns the problems found, "" when none.
std::string invalid_follow_ups(const hub::utilities::UtilitiesPlugin& plugin,
                               const hub::plugin_testing::RecordingContext& ctx);

// "pointer: reason" per problem, one per line, for messages.
std::string listing(const hub::Problems& problems);
// True when some problem has exactly this pointer and a reason containing `text`.
bool has_problem(const hub::Problems& problems, const std::string& pointer, const std::string& text = "");

}  // namespace utilities_test
