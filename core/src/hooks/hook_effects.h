// hooks/hook_effects.h: what a hook asked for, buffered until it returns OK.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hub/plugin.h"
#include "store/directory_overrides.h"

namespace hub::hooks {

struct TimerChange {
  std::string name;
  std::optional<TimePoint> due;  // nullopt: cancel
  Json data;
};

struct HookEffects {
  std::map<std::string, Json> case_state;    // key → value
  std::map<std::string, Json> global_state;  // key → value
  std::vector<TimerChange> timers;
  std::vector<FollowUpCase> follow_ups;
  std::vector<store::DirectoryChange> directory_changes;
  Json annex = Json::object();  // attach(): key → value
};

}  // namespace hub::hooks
