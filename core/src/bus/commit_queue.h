// bus/commit_queue.h: intake work waiting for the next group commit.
//
// Producers (adapter threads) push; committers take what is pending, up to
// kMaxBatchCases cases and as many replies, so a batch closes when the
// previous commit finishes: under load batches grow, when idle a single case
// commits at once. Two committers can take at once, each in its lane: kAll
// takes everything, kCasesAndAcks only new cases, acks and events, so that
// replies and lifecycle requests stay in one committer, in the order each
// unit sent them, while new cases and acks are written by two transactions
// in parallel.
//
// Bounded and fair between units:
// - Everything pending is bounded in items and in bytes (the size of the
//   message each came in, plus kItemOverhead), for the hub and for each unit
//   (CommitQueueLimits). A push beyond a bound is refused and the sender told
//   "busy": one unit's backlog fills its own share, never the others'.
// - Each unit's work waits in its own backlog, in the order sent. A batch takes
//   from the backlogs in turn, kQuantum items each per round, the first turn
//   rotating from batch to batch: a unit with a few cases waiting gets them
//   all into the next batch however much another unit has queued.
// - Acks and events are taken whole by every batch (they are small and each
//   ack stops a redelivery); they count against the same bounds. Events record
//   refusals already answered, so an event over a bound is dropped (counted).
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/case_batch.h"

namespace hub::bus {

struct CommitQueueLimits {
  std::size_t max_items = 20000;                 // waiting, all units together
  std::size_t max_bytes = 64 * 1024 * 1024;
  std::size_t max_items_per_unit = 4000;         // one unit's share: two full batches
  std::size_t max_bytes_per_unit = 16 * 1024 * 1024;
};

class CommitQueue {
 public:
  static constexpr std::size_t kMaxBatchCases = 2000;
  static constexpr std::size_t kQuantum = 64;
  static constexpr std::size_t kItemOverhead = 256;  // bytes counted per item beyond its message

  enum class Lane { kAll, kCasesAndAcks };
  // kClosed: the queue is closed, or (except for acks) refusing new work.
  enum class Admission { kQueued, kHubFull, kUnitFull, kClosed };

  explicit CommitQueue(CommitQueueLimits limits = {}) : limits_(limits) {}

  // `bytes`: the size of the message the item came in.
  Admission push(store::NewCase c, std::size_t bytes);
  Admission push(store::NewReply r, std::size_t bytes);
  Admission push(store::NewTransition t, std::size_t bytes);
  Admission push(store::NewAck a, std::size_t bytes);
  // `bytes`: about what the event holds. False when over the hub's bounds:
  // the event is dropped and counted.
  bool push(store::Event e, std::size_t bytes);

  // Waits until something of `lane` is pending or the queue is closed, then
  // takes up to kMaxBatchCases cases, as many replies and as many lifecycle
  // requests (kAll only), and every ack and event.
  // Returns an empty batch only when closed and drained (of that lane).
  store::BatchInput take(Lane lane = Lane::kAll);
  // The start of a clean stop: new cases, replies and lifecycle requests are
  // refused ("busy"), acks are still taken.
  void refuse_new_work();
  // True when nothing is pending and nothing was pushed for `quiet`.
  bool quiet_for(std::chrono::milliseconds quiet) const;
  // Wakes take(); later pushes fail. take() still drains what was queued.
  void close();

  // Items and bytes waiting for `unit` (tests, status).
  std::pair<std::size_t, std::size_t> pending_of(const std::string& unit) const;
  std::uint64_t events_dropped() const;

 private:
  template <class T>
  struct Sized {
    T item;
    std::size_t bytes;
  };
  // One unit's waiting work, in the order it was sent.
  struct Backlog {
    std::deque<Sized<store::NewCase>> cases;
    std::deque<Sized<store::NewReply>> replies;
    std::deque<Sized<store::NewTransition>> transitions;
    std::deque<Sized<store::NewAck>> acks;
    std::size_t items = 0, bytes = 0;
    bool active = false;  // listed in active_
  };

  template <class T>
  Admission admit_locked(const std::string& unit, std::deque<Sized<T>> Backlog::*list, T item, std::size_t bytes,
                         bool refused_when_stopping);
  template <class T>
  Admission push_work(const std::string& unit, std::deque<Sized<T>> Backlog::*list, std::size_t& count, T item,
                      std::size_t bytes, bool refused_when_stopping);
  void account_locked(Backlog& b, std::size_t bytes);
  bool pending_locked(Lane lane) const;
  // Takes up to `most` items of `list` from the active backlogs in turn.
  template <class T>
  void take_in_turn(std::deque<Sized<T>> Backlog::*list, std::size_t most, std::vector<T>& out);
  void release_locked(Backlog& b, std::size_t bytes);
  void notify_pushed(std::unique_lock<std::mutex>& lock);

  const CommitQueueLimits limits_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::unordered_map<std::string, std::unique_ptr<Backlog>> backlogs_;  // GUARDED_BY(mu_)
  std::vector<Backlog*> active_;        // with anything pending; first turn first; GUARDED_BY(mu_)
  std::vector<Sized<store::Event>> events_;  // GUARDED_BY(mu_)
  std::size_t items_ = 0, bytes_ = 0;   // everything pending; GUARDED_BY(mu_)
  std::size_t cases_ = 0, replies_ = 0, transitions_ = 0, acks_ = 0;  // GUARDED_BY(mu_)
  std::uint64_t events_dropped_ = 0;    // GUARDED_BY(mu_)
  bool closed_ = false;                 // GUARDED_BY(mu_)
  bool refusing_ = false;               // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point last_push_{};  // GUARDED_BY(mu_)
};

}  // namespace hub::bus
