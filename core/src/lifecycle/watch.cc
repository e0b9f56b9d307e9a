#include "lifecycle/watch.h"

#include <algorithm>

namespace hub::lifecycle {
namespace {

std::optional<WatchStep> track(Deadline which, TimePoint start, TimePoint deadline, bool reminded, int escalations,
                               const WatchSettings& s) {
  if (!reminded) {
    const auto elapsed = (deadline - start) * s.remind_percent / 100;
    return WatchStep{WatchStep::Kind::kRemind, which, 0, start + elapsed};
  }
  if (escalations >= std::max(1, s.levels)) return std::nullopt;
  if (escalations == 0) return WatchStep{WatchStep::Kind::kEscalate, which, 0, deadline};
  const auto due = s.level_due ? s.level_due(deadline, escalations) : std::nullopt;
  if (!due) return std::nullopt;
  return WatchStep{WatchStep::Kind::kEscalate, which, escalations, *due};
}

}  // namespace

std::optional<WatchStep> next_step(const DeliveryFacts& d, const WatchSettings& s) {
  std::optional<WatchStep> sign, resolve;
  if (d.stage == Stage::kDispatched && d.sign_by)
    sign = track(Deadline::kSign, d.dispatched_at, *d.sign_by, d.watch.sign_reminded, d.watch.sign_escalations, s);
  if (is_open(d.stage) && d.resolve_by)
    resolve = track(Deadline::kResolve, d.resolve_start(), *d.resolve_by, d.watch.resolve_reminded,
                    d.watch.resolve_escalations, s);
  if (sign && (!resolve || sign->due <= resolve->due)) return sign;
  return resolve;
}

void mark_done(DeliveryFacts& d, const WatchStep& step) {
  const bool sign = step.deadline == Deadline::kSign;
  if (step.kind == WatchStep::Kind::kRemind)
    (sign ? d.watch.sign_reminded : d.watch.resolve_reminded) = true;
  else
    (sign ? d.watch.sign_escalations : d.watch.resolve_escalations) = step.level + 1;
}

}  // namespace hub::lifecycle
