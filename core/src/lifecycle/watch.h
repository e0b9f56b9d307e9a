// lifecycle/watch.h: when a delivery's next reminder or escalation is due.
//
// Two deadlines are watched independently: the sign deadline while the
// delivery is dispatched (not signed), the resolve deadline while it is open.
// For each: one reminder (催办) to the receiver when `remind_percent` of the
// period has elapsed, then escalation levels (督办): level 0 at the deadline
// itself (the delivery is overdue; the first unit of the chain is told), level
// k after k escalation steps. Pure: the store keeps the progress and the
// watcher fires the steps.
#pragma once

#include <functional>
#include <optional>

#include "lifecycle/delivery_facts.h"

namespace hub::lifecycle {

struct WatchSettings {
  int remind_percent = 75;
  // Escalation levels of the receiver's chain; at least 1 (level 0 marks the
  // delivery overdue even when nobody is above the receiver).
  int levels = 1;
  // When level `level` (>= 1) of a deadline that passed at `deadline` is due;
  // nothing when it cannot be computed (the calendar ends first).
  std::function<std::optional<TimePoint>(TimePoint deadline, int level)> level_due;
};

struct WatchStep {
  enum class Kind { kRemind, kEscalate };
  Kind kind = Kind::kRemind;
  Deadline deadline = Deadline::kSign;
  int level = 0;  // kEscalate: 0-based
  TimePoint due;
};

// The next step to fire for `d`, or nothing when no step is left.
std::optional<WatchStep> next_step(const DeliveryFacts& d, const WatchSettings& s);

// Records that `step` was fired (or skipped): the progress moves past it.
void mark_done(DeliveryFacts& d, const WatchStep& step);

}  // namespace hub::lifecycle
