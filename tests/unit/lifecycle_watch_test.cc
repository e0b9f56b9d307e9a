#include <catch2/catch.hpp>

#include "lifecycle/watch.h"
#include "util/time_parse.h"

using namespace hub::lifecycle;
using hub::TimePoint;

namespace {

TimePoint at(const char* local) { return *hub::parse_iso8601(local); }

// Levels one day apart (a stand-in for the calendar's working-day step).
WatchSettings daily(int levels) {
  WatchSettings s;
  s.remind_percent = 75;
  s.levels = levels;
  s.level_due = [](TimePoint deadline, int level) -> std::optional<TimePoint> {
    return deadline + std::chrono::hours(24 * level);
  };
  return s;
}

DeliveryFacts dispatched() {
  DeliveryFacts d;
  d.dispatched_at = at("2026-12-07T08:00:00+08:00");
  d.sign_by = at("2026-12-07T12:00:00+08:00");     // 4 h
  d.resolve_by = at("2026-12-11T08:00:00+08:00");  // 96 h
  return d;
}

// Fires every step in order and lists them as "remind sign @ ...".
std::vector<std::string> all_steps(DeliveryFacts d, const WatchSettings& s) {
  std::vector<std::string> out;
  while (auto step = next_step(d, s)) {
    out.push_back(std::string(step->kind == WatchStep::Kind::kRemind ? "remind " : "escalate ") +
                  std::string(deadline_name(step->deadline)) + " " + std::to_string(step->level) + " @ " +
                  hub::to_local_iso8601(step->due));
    mark_done(d, *step);
  }
  return out;
}

}  // namespace

TEST_CASE("an unsigned delivery is reminded, then escalated level by level on both deadlines", "[lifecycle][watch]") {
  // Reminder at 75% of each period: sign 08:00 + 3 h; resolve 08:00 + 72 h.
  CHECK(all_steps(dispatched(), daily(3)) == std::vector<std::string>{
                                                 "remind sign 0 @ 2026-12-07T11:00:00+08:00",
                                                 "escalate sign 0 @ 2026-12-07T12:00:00+08:00",
                                                 "escalate sign 1 @ 2026-12-08T12:00:00+08:00",
                                                 "escalate sign 2 @ 2026-12-09T12:00:00+08:00",
                                                 "remind resolve 0 @ 2026-12-10T08:00:00+08:00",
                                                 "escalate resolve 0 @ 2026-12-11T08:00:00+08:00",
                                                 "escalate resolve 1 @ 2026-12-12T08:00:00+08:00",
                                                 "escalate resolve 2 @ 2026-12-13T08:00:00+08:00",
                                             });
}

TEST_CASE("signing stops the sign track, resolving stops everything", "[lifecycle][watch]") {
  DeliveryFacts d = dispatched();
  d.stage = Stage::kSigned;
  CHECK(all_steps(d, daily(1)) == std::vector<std::string>{"remind resolve 0 @ 2026-12-10T08:00:00+08:00",
                                                           "escalate resolve 0 @ 2026-12-11T08:00:00+08:00"});
  d.stage = Stage::kResolved;
  CHECK_FALSE(next_step(d, daily(3)));
  d.stage = Stage::kNotice;
  CHECK_FALSE(next_step(d, daily(3)));
}

TEST_CASE("a reopened delivery's reminder counts from the reopening", "[lifecycle][watch]") {
  DeliveryFacts d = dispatched();
  d.stage = Stage::kInProgress;
  d.resolve_from = at("2026-12-12T08:00:00+08:00");
  d.resolve_by = at("2026-12-16T08:00:00+08:00");
  const auto step = next_step(d, daily(2));
  REQUIRE(step);
  CHECK(step->kind == WatchStep::Kind::kRemind);
  CHECK(step->due == at("2026-12-15T08:00:00+08:00"));
}

TEST_CASE("no chain above the receiver still marks the delivery overdue once", "[lifecycle][watch]") {
  DeliveryFacts d = dispatched();
  d.stage = Stage::kSigned;
  d.watch.resolve_reminded = true;
  const auto s = daily(0);
  auto step = next_step(d, s);
  REQUIRE(step);
  CHECK(step->kind == WatchStep::Kind::kEscalate);
  CHECK(step->level == 0);
  mark_done(d, *step);
  CHECK_FALSE(next_step(d, s));
}
