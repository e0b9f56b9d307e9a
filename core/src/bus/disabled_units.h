// bus/disabled_units.h: the units an operator disabled, as this hub knows
// them, and the hub's answer to their messages.
//
// The flags live in the store (store/unit_status.h); every hub holds a copy,
// loaded at start and again when any hub announces a change (bus/peer_wake.h)
// or this hub's operator socket made one (before it answers the operator).
// A message costs one lookup in an immutable snapshot, swapped atomically,
// and nothing more while no unit is disabled.
//
// A disabled unit's messages are refused before they are parsed: nothing of
// them is kept, and the unit is answered `unit_disabled` at most once a second
// (a flooding unit costs a lookup per message). Nothing is claimed or sent for
// it (bus/dispatcher.h, bus/committer.h use without()/contains()): its
// deliveries, replies and updates wait in the store as they are, their
// attempts uncounted, so they are neither parked nor escalated as failed sends.
// When a reload enables a unit, `enabled` is called (it wakes the dispatcher;
// the enabling transaction already made the unit's waiting work due).
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bus/outbox.h"
#include "bus/refusal_pacer.h"
#include "protocol/answer_to.h"
#include "store/pg.h"

namespace hub::bus {

class DisabledUnits {
 public:
  DisabledUnits(const Outbox& outbox, std::function<void()> enabled);

  bool contains(const std::string& unit) const noexcept;
  // `units` without the disabled ones.
  std::vector<std::string> without(std::vector<std::string> units) const;

  // True when `unit` is disabled: its message is to be dropped unread. The
  // unit is answered unit_disabled unless it was within the last second; the
  // hub's log says so at the first refusal and then once a minute with a count.
  bool refuse(const std::string& unit, const protocol::AnswerTo& to) noexcept;

  // Takes the store's set (store::load_disabled_units) and logs what changed.
  // Serialized: the operator socket and the listener may reload at once.
  Status reload(store::PgConnection& db);
  // Installs `units` as the set (the one read at start).
  void replace(const std::vector<std::string>& units);

 private:
  using Set = std::unordered_set<std::string>;
  // Answers and logs one refused message of `unit`, within their rates.
  void count_refusal(const std::string& unit, const protocol::AnswerTo& to);

  const Outbox& outbox_;
  const std::function<void()> enabled_;
  std::atomic<std::shared_ptr<const Set>> set_;
  std::atomic<bool> any_{false};  // !set_->empty(): the lookup every message skips while nothing is disabled
  std::mutex reload_mu_;          // one reload at a time
  RefusalPacer refusals_;  // disabled units only
};

}  // namespace hub::bus
