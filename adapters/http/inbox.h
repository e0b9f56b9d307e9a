// inbox.h: what the hub sends to units that fetch their messages by polling
// (GET /v1/inbox), kept in memory between polls.
//
// Nothing here is durable, and nothing needs to be: the hub keeps every
// delivery, reply and update in its database until the unit acks it, and
// sends it again after a pause when no ack comes. The inbox only carries
// messages from the hub's send() to the unit's next poll.
//
// Presence: a unit that called the API within `presence` (or has a poll
// waiting) counts as connected, and push() keeps its messages for its next
// poll; otherwise push() says no and the hub keeps them until the unit is
// back. Any call counts, as any message does at the hub (bus/presence.h): a
// unit the hub thinks online is one the inbox takes messages for. A poll waits at most
// the wait it asked for; it is answered as soon as a message is there. A
// unit may have a few polls waiting at once (kMaxWaitingPolls); a further
// one answers the oldest with nothing. The messages kept per unit are
// bounded (`limit`): beyond, push() says no.
//
// Thread-safe. Polls are answered through their Responder, outside the lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/responder.h"
#include "timer_thread.h"

namespace hub::http_adapter {

class Inbox {
 public:
  using Clock = TimerThread::Clock;
  static constexpr std::size_t kMaxWaitingPolls = 4;

  Inbox(TimerThread& timers, std::chrono::milliseconds presence, std::size_t limit)
      : timers_(timers), presence_(presence), limit_(limit) {}

  // A poll by `unit` for at most `max_messages` messages, waiting up to
  // `wait` (0: answer at once). Answers {"messages":[...]} through `respond`.
  void poll(const std::string& unit, std::chrono::milliseconds wait, std::size_t max_messages, http::Responder respond);
  // `unit` called the API now (see presence).
  void heard(const std::string& unit);
  // A message for `unit`; false when the unit is not there (see presence)
  // or its inbox is full.
  bool push(const std::string& unit, std::string body);
  // Messages kept for `unit` (for tests and logs).
  std::size_t queued(const std::string& unit) const;

 private:
  struct Poll {
    std::uint64_t number = 0;
    std::size_t max_messages = 0;
    http::Responder respond;
  };
  struct Unit {
    std::deque<std::string> messages;
    std::deque<Poll> polls;  // oldest first
    Clock::time_point last_poll{};  // the unit's last call (a poll or any other)
  };

  // Takes up to `max` messages of `u` as the answer's body. Needs mu_.
  static std::string take(Unit& u, std::size_t max);
  void expire(const std::string& unit, std::uint64_t number);

  TimerThread& timers_;
  const std::chrono::milliseconds presence_;
  const std::size_t limit_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Unit> units_;  // GUARDED_BY(mu_)
  std::uint64_t next_poll_ = 1;                  // GUARDED_BY(mu_)
};

}  // namespace hub::http_adapter
