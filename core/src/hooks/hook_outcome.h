// hooks/hook_outcome.h: how one run of a hook ended, as the runner records it.
//
// Tells the plugin's answers (done, retry, error) apart from the hub's own
// failures (a lost race: rerun; the database unreachable: uncounted), so that
// only the plugin's errors count against its attempts.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "hub/hook_result.h"
#include "hub/status.h"

namespace hub::hooks {

struct HookOutcome {
  enum class Kind {
    kDone,          // effects committed
    kRetry,         // the plugin answered Retry
    kError,         // the plugin answered Error or threw, or its effects were refused
    kRerun,         // the hub's: the state read changed before the commit, or a serialization failure / deadlock
    kDatabaseDown,  // the hub's: the database became unreachable
    kSuperseded,    // the attempt's lease ran out and another hub took the task: nothing to record
  };
  Kind kind = Kind::kDone;
  std::string message;
  std::optional<std::chrono::milliseconds> retry_after;  // kRetry only

  static HookOutcome Done() { return {}; }
  static HookOutcome Of(Kind kind, std::string message) { return {kind, std::move(message), std::nullopt}; }
  // The plugin's answer; Ok is not an outcome yet (the effects still commit).
  static HookOutcome FromPlugin(const HookResult& r) {
    if (r.is_retry()) return {Kind::kRetry, r.message(), r.retry_after()};
    return Of(Kind::kError, r.message());
  }
};

// A failure that running the same transaction again may not meet: SQLSTATE
// class 40 (serialization failure, deadlock). store/pg.h maps it to kBusy
// ("the same work succeeds when tried again"); mapped to kInternal, it is
// recognised by the "SQLSTATE 40..." its message starts with.
inline bool lost_race(const Status& s) {
  return s.code() == StatusCode::kBusy ||
         (s.code() == StatusCode::kInternal && s.message().rfind("SQLSTATE 40", 0) == 0);
}

}  // namespace hub::hooks
