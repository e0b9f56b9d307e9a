// A hook's answers (hub/hook_result.h) and how the runner reads them
// (hooks/hook_outcome.h, hooks/retry_policy.h): a retry is rescheduled with
// bounded exponential backoff and given up at its bounds; the hub's own
// database failures are told apart from the plugin's errors.
#include <catch2/catch.hpp>

#include "hooks/hook_outcome.h"
#include "hooks/retry_policy.h"
#include "hub/hook_result.h"

using hub::HookResult;
using hub::Status;
using hub::hooks::HookOutcome;
using hub::hooks::plan_retry;
using namespace std::chrono_literals;

TEST_CASE("a hook answers ok, retry (with or without a delay) or error, each with its reason", "[hooks][sdk]") {
  CHECK(HookResult().ok());
  CHECK(HookResult::Ok().to_string() == "ok");
  const auto later = HookResult::Retry("the registry's record is not there yet", 30s);
  CHECK(later.is_retry());
  CHECK_FALSE(later.ok());
  CHECK(later.message() == "the registry's record is not there yet");
  CHECK(later.retry_after() == std::chrono::milliseconds(30000));
  CHECK_FALSE(HookResult::Retry("soon").retry_after());
  const auto error = HookResult::Error("no such item");
  CHECK(error.is_error());
  CHECK(error.to_string() == "error: no such item");
  CHECK_FALSE(error.retry_after());
}

TEST_CASE("a status becomes a hook result: temporary ones retry, the others are errors", "[hooks][sdk]") {
  CHECK(HookResult::From(Status::Ok()).ok());
  CHECK(HookResult::From(Status::Unavailable("down")).is_retry());
  CHECK(HookResult::From(Status::Busy("full")).is_retry());
  const auto e = HookResult::From(Status::NotFound("compound x"));
  CHECK(e.is_error());
  CHECK(e.message() == "not_found: compound x");
}

TEST_CASE("the runner keeps the plugin's answer apart from the hub's database failures", "[hooks]") {
  const auto retry = HookOutcome::FromPlugin(HookResult::Retry("wait", 2s));
  CHECK(retry.kind == HookOutcome::Kind::kRetry);
  CHECK(retry.retry_after == std::chrono::milliseconds(2000));
  CHECK(HookOutcome::FromPlugin(HookResult::Error("bad")).kind == HookOutcome::Kind::kError);
  CHECK(hub::hooks::lost_race(Status::Internal("SQLSTATE 40001: could not serialize access")));
  CHECK(hub::hooks::lost_race(Status::Internal("SQLSTATE 40P01: deadlock detected")));
  CHECK(hub::hooks::lost_race(Status::Busy("SQLSTATE 40001: could not serialize access")));
  CHECK_FALSE(hub::hooks::lost_race(Status::Internal("SQLSTATE 22P05: unsupported Unicode escape sequence")));
  CHECK_FALSE(hub::hooks::lost_race(Status::Unavailable("SQLSTATE 40001 in a message of another kind")));
}

TEST_CASE("a retry without a delay backs off from 5 s, doubling, to at most 15 min", "[hooks]") {
  const hub::TimePoint now{};
  std::vector<long long> delays;
  for (int before = 0; before < 9; ++before) {
    const auto plan = plan_retry(before, before == 0 ? std::nullopt : std::optional(now), now, std::nullopt);
    REQUIRE_FALSE(plan.give_up);
    delays.push_back(std::chrono::duration_cast<std::chrono::seconds>(plan.delay).count());
  }
  CHECK(delays == std::vector<long long>{5, 10, 20, 40, 80, 160, 320, 640, 900});
}

TEST_CASE("a delay the plugin asks for is kept within 1 s and 1 h", "[hooks]") {
  const hub::TimePoint now{};
  CHECK(plan_retry(0, std::nullopt, now, 90s).delay == 90s);
  CHECK(plan_retry(0, std::nullopt, now, 10ms).delay == 1s);
  CHECK(plan_retry(0, std::nullopt, now, 5h).delay == 1h);
}

TEST_CASE("retrying is given up at the 10th retry answer, or 6 hours after the first", "[hooks]") {
  const hub::TimePoint first{};
  CHECK_FALSE(plan_retry(8, first, first + 1h, std::nullopt).give_up);
  const auto tenth = plan_retry(9, first, first + 1h, std::nullopt);
  CHECK(tenth.give_up);
  CHECK_THAT(tenth.why, Catch::StartsWith("gave up retrying: the plugin answered \"retry\" 10 times in 60 min"));
  CHECK_FALSE(plan_retry(2, first, first + 5h + 59min, 1h).give_up);
  const auto old = plan_retry(2, first, first + 6h, 1h);
  CHECK(old.give_up);
  CHECK_THAT(old.why, Catch::Contains("3 times in 360 min"));
}
