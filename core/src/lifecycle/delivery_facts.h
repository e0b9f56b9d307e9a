// lifecycle/delivery_facts.h: one delivery as the case lifecycle sees it.
//
// Stages (DESIGN.md, "Terms"):
//   notice       informs; acked, never signed, no deadline
//   dispatched → signed (签收) → in_progress → resolved (final reply) → closed
//   returned (退回): the receiver said it is not its business; final for this delivery
// A resolved delivery goes back to in_progress when its originator reopens it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hub/clock.h"

namespace hub::lifecycle {

enum class Stage { kNotice, kDispatched, kSigned, kInProgress, kResolved, kClosed, kReturned };

std::string_view stage_name(Stage s);  // as stored and sent: "in_progress", ...
std::optional<Stage> stage_from_name(std::string_view name);
// Dispatched, signed or in progress: the receiver still owes a final reply.
bool is_open(Stage s);

// Which deadline a reminder or an escalation is about.
enum class Deadline { kSign, kResolve };
std::string_view deadline_name(Deadline d);  // "sign", "resolve"

// How far the deadline watch has gone for one delivery (store columns
// sign_reminded, resolve_reminded, sign_escalations, resolve_escalations).
struct WatchProgress {
  bool sign_reminded = false;
  bool resolve_reminded = false;
  int sign_escalations = 0;     // levels fired since the sign deadline passed
  int resolve_escalations = 0;  // levels fired since the resolve deadline passed
};

struct DeliveryFacts {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  std::string receiver;
  std::string origin;  // the case's originator
  std::string type;    // the case type
  std::string compound;
  Stage stage = Stage::kDispatched;
  TimePoint dispatched_at;
  std::optional<TimePoint> sign_by;       // no value: the case type has no deadline
  std::optional<TimePoint> resolve_by;
  std::optional<TimePoint> signed_at;
  std::optional<TimePoint> resolved_at;
  std::optional<TimePoint> resolve_from;  // start of the resolve period; none: dispatched_at
  // A pending extension request: the time asked for, why, and who decides.
  std::optional<TimePoint> extension_until;
  std::string extension_reason;
  std::string extension_approver;
  int extensions = 0;  // granted
  int reopens = 0;
  std::string returned_reason;
  // Reached the receiver because another unit returned the case (re-routed,
  // or sent to decide): the receiver may hand it on to the right unit (assign).
  bool after_return = false;
  WatchProgress watch;
  std::optional<TimePoint> watch_at;  // next reminder / escalation step; none: nothing to watch

  TimePoint resolve_start() const { return resolve_from.value_or(dispatched_at); }
};

}  // namespace hub::lifecycle
