// bus/commit_queue.h: intake work waiting for the next group commit.
//
// Producers (adapter threads) push; committers take what is pending, up to
// kMaxBatchCases cases and replies, so a batch closes when the previous commit
// finishes: under load batches grow, when idle a single case commits at once.
// Two committers can take at once, each in its lane: kAll takes everything,
// kCasesAndAcks only new cases, acks and events, so that replies and
// lifecycle requests stay in one committer, in the order they arrived, while
// new cases and acks are written by two transactions in parallel.
// New cases and replies are bounded: beyond capacity a push fails and the
// sender is told "busy" before the hub runs out of memory. Acks are never
// refused (each stops a redelivery; they are bounded by what was sent).
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "store/case_batch.h"

namespace hub::bus {

class CommitQueue {
 public:
  static constexpr std::size_t kMaxBatchCases = 2000;

  enum class Lane { kAll, kCasesAndAcks };

  explicit CommitQueue(std::size_t capacity) : capacity_(capacity) {}

  // False when the queue is full (the caller answers "busy") or closed.
  bool push(store::NewCase c);
  bool push(store::NewReply r);
  bool push(store::NewTransition t);
  bool push(store::NewAck a);
  // Events are never refused: they record refusals already answered.
  void push(store::Event e);

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

 private:
  std::size_t size_locked() const;
  std::size_t size_locked(Lane lane) const;
  template <class T>
  bool push_bounded(std::vector<T> store::BatchInput::*list, T item);
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  store::BatchInput pending_;  // GUARDED_BY(mu_)
  bool closed_ = false;        // GUARDED_BY(mu_)
  bool refusing_ = false;      // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point last_push_{};  // GUARDED_BY(mu_)
};

}  // namespace hub::bus
