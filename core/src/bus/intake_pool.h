// bus/intake_pool.h: the threads that read units' messages.
//
// Adapters hand messages over on their own threads; reading one (parsing it
// within limits, the owning plugin's validate, routing) happens here, on a
// fixed number of workers, so that a slow plugin holds up its own unit's
// messages and not the adapters or the other units.
//
// Order: each unit has a lane. A lane is worked by one worker at a time, in
// the order its messages were submitted, so a unit's messages are read (and
// reach the commit queue) in the order it sent them on one connection.
// Fairness: a worker takes at most kBatch messages from a lane, then the lane
// goes to the back of the line behind every other unit waiting.
// Bounds: at most `unit_messages`/`unit_bytes` waiting per unit and
// `hub_messages`/`hub_bytes` in all; beyond them submit() refuses and the
// caller answers "busy" (nothing of the message was read or kept).
// Thread-safe. stop() reads everything already submitted, then joins.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "protocol/answer_to.h"

namespace hub::bus {

struct IntakePoolLimits {
  std::size_t workers = 4;
  std::size_t hub_messages = 20000;
  std::size_t hub_bytes = std::size_t{64} << 20;
  std::size_t unit_messages = 2000;
  std::size_t unit_bytes = std::size_t{16} << 20;
};

class IntakePool {
 public:
  // Messages a worker reads from one lane before moving to the next unit.
  static constexpr std::size_t kBatch = 16;

  enum class Admission { kQueued, kUnitFull, kHubFull, kStopped };

  using Handler = std::function<void(const std::string& unit, const protocol::AnswerTo& to, const std::string& body)>;

  // `handle` runs on the workers and must not throw (it is Intake::handle
  // behind a catch-all).
  IntakePool(IntakePoolLimits limits, Handler handle);
  ~IntakePool();  // stops
  IntakePool(const IntakePool&) = delete;
  IntakePool& operator=(const IntakePool&) = delete;

  Admission submit(const std::string& unit, const protocol::AnswerTo& to, std::string body);

  // True when nothing is waiting or being read.
  bool idle() const;

  // Refuses new messages (kStopped), reads every message already submitted,
  // and joins the workers. Idempotent.
  void stop();

  const IntakePoolLimits& limits() const { return limits_; }

 private:
  struct Item {
    protocol::AnswerTo to;
    std::string body;
  };
  struct Lane {
    std::deque<Item> items;
    std::size_t bytes = 0;
    bool in_line = false;  // in ready_ or being worked: exactly one worker owns a lane at a time
  };

  void work();

  const IntakePoolLimits limits_;
  const Handler handle_;
  mutable std::mutex mu_;
  std::condition_variable ready_cv_;
  std::unordered_map<std::string, Lane> lanes_;  // GUARDED_BY(mu_); a lane is erased when empty and not in line
  std::deque<std::string> ready_;                 // GUARDED_BY(mu_): units whose lane waits for a worker
  std::size_t messages_ = 0, bytes_ = 0;          // GUARDED_BY(mu_): waiting in all lanes
  std::size_t working_ = 0;                       // GUARDED_BY(mu_): lanes being worked now
  bool stopping_ = false;                         // GUARDED_BY(mu_)
  std::vector<std::thread> workers_;
};

}  // namespace hub::bus
