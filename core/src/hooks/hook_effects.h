// hooks/hook_effects.h: what a hook asked for, buffered until it returns OK.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hub/case.h"

namespace hub::hooks {

struct TimerChange {
  std::string name;
  std::optional<TimePoint> due;  // nullopt: cancel
  Json data;
};

struct FollowUp {
  std::string type;
  std::string key;
  std::string compound;
  Json payload;
};

struct HookEffects {
  std::map<std::string, Json> case_state;    // key → value
  std::map<std::string, Json> global_state;  // key → value
  std::vector<TimerChange> timers;
  std::vector<FollowUp> follow_ups;
};

}  // namespace hub::hooks
