// store/hook_effects.h: what a hook asked for, buffered until it answers Ok,
// and the versions of the state it read (checked when the effects commit).
// Filled by hooks/hook_context.h; applied by the store (store/plugin_state.h,
// store/hook_tasks.h), which is why it lives here, below the hooks.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hub/plugin.h"
#include "store/directory_overrides.h"

namespace hub::store {

struct TimerChange {
  std::string name;
  std::optional<TimePoint> due;  // nullopt: cancel
  Json data;
};

struct HookEffects {
  std::map<std::string, Json> case_state;    // key → value
  std::map<std::string, Json> global_state;  // key → value
  // The version of each key the hook read from the store, at its first read
  // (0: absent). The effects commit only if each is still current.
  std::map<std::string, std::int64_t> case_reads;
  std::map<std::string, std::int64_t> global_reads;
  std::vector<TimerChange> timers;
  std::vector<FollowUpCase> follow_ups;
  std::vector<DirectoryChange> directory_changes;
  Json annex = Json::object();  // attach(): key → value
};

}  // namespace hub::store
