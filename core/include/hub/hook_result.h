// hub/hook_result.h: a hook's answer: ok, retry later, or error.
//
// What the hub does with each answer (after-commit hooks: on_accepted,
// on_reply, on_timer):
//   Ok()                   the hook's effects (state, timers, annex, follow-up
//                          cases, directory changes) commit with the task's
//                          completion, in one transaction.
//   Retry(reason, after)   nothing is committed; the hook runs again later, on
//                          the same input: after `after` (clamped to 1 s .. 1 h)
//                          or, without it, after a backoff doubling from 5 s up
//                          to 15 min. Not a failure: it uses none of the task's
//                          attempts. For a condition expected to pass by itself
//                          (something the hook waits for is not there yet).
//                          Bounded: at the task's 10th retry answer, or once
//                          its first one is 6 hours old, the task is parked
//                          with "gave up retrying: <reason>".
//   Error(reason)          nothing is committed; a failed attempt. Retried with
//                          backoff (2, 4, 8, 16 s) and parked at the fifth
//                          failure with "gave up after 5 attempts: <reason>".
//                          For what will not pass by itself: wrong input or
//                          state, a bug. An exception thrown by a hook is an
//                          Error (HUB_DECLARE_PLUGIN's guard).
// A reason says what happened and, where possible, what to do; operators read
// it in the routing log and in the parked list.
//
// Failures of the hub's own database (unreachable, a transaction that lost a
// race) are not the plugin's: the hub runs the hook again without counting
// them. A hook's effects are discarded in every case but Ok.
//
// A value type; cheap to return when Ok (no allocation).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "hub/status.h"

namespace hub {

class HookResult {
 public:
  enum class Kind { kOk, kRetry, kError };

  HookResult() = default;  // Ok

  static HookResult Ok() { return {}; }
  // `after`: when to run again; nullopt leaves it to the hub's backoff.
  static HookResult Retry(std::string reason, std::optional<std::chrono::milliseconds> after = std::nullopt) {
    return HookResult(Kind::kRetry, std::move(reason), after);
  }
  static HookResult Error(std::string reason) { return HookResult(Kind::kError, std::move(reason), std::nullopt); }
  // For helpers that return a Status: OK is Ok; kUnavailable and kBusy
  // ("retry later") are Retry with the hub's backoff; any other code is Error
  // with "code: message".
  static HookResult From(const Status& s) {
    if (s.ok()) return Ok();
    if (s.code() == StatusCode::kUnavailable || s.code() == StatusCode::kBusy) return Retry(s.message());
    return Error(s.to_string());
  }

  Kind kind() const { return kind_; }
  bool ok() const { return kind_ == Kind::kOk; }
  bool is_retry() const { return kind_ == Kind::kRetry; }
  bool is_error() const { return kind_ == Kind::kError; }
  // The reason; empty when Ok.
  const std::string& message() const { return message_; }
  // Only for Retry: when the plugin asked to run again, if it said.
  const std::optional<std::chrono::milliseconds>& retry_after() const { return retry_after_; }
  // "ok", "retry: reason" or "error: reason".
  std::string to_string() const {
    switch (kind_) {
      case Kind::kOk: return "ok";
      case Kind::kRetry: return "retry: " + message_;
      case Kind::kError: return "error: " + message_;
    }
    return "error: " + message_;
  }

 private:
  HookResult(Kind kind, std::string message, std::optional<std::chrono::milliseconds> after)
      : kind_(kind), message_(std::move(message)), retry_after_(after) {}

  Kind kind_ = Kind::kOk;
  std::string message_;
  std::optional<std::chrono::milliseconds> retry_after_;
};

}  // namespace hub
