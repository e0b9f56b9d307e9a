// Helpers for the governance plugin's logic tests: a configured plugin, cases
// and a directory, without the shared library or a database.
#pragma once

#include <set>
#include <string>

#include "governance_plugin.h"
#include "recording_context.h"

namespace hub::governance::testing {

// The declared defaults with `overrides` on top, as the host would pass them.
Json settings_with(const Json& overrides = Json::object());

// A plugin configured with settings_with(overrides); configuration must succeed.
GovernancePlugin configured(const Json& overrides = Json::object());

CaseView make_case(const std::string& type, const std::string& origin, const std::string& compound, Json payload,
                   CaseId id = 0);

// The pointers of `problems`, for comparing with a set.
std::set<std::string> pointers(const Problems& problems);
// The reason given at `pointer` ("" when none; all of them joined when several).
std::string reason_at(const Problems& problems, const std::string& pointer);

// A RecordingContext that knows compound jinxiu (pm.jinxiu, community.jianshe,
// zone01: cgj.zone01, zg.zone01, sd.xinzhou) and xinzhou (oc.xinzhou).
plugin_testing::RecordingContext context();

}  // namespace hub::governance::testing
