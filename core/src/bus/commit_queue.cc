#include "bus/commit_queue.h"

#include <algorithm>

namespace hub::bus {

void CommitQueue::account_locked(Backlog& b, std::size_t bytes) {
  ++b.items;
  b.bytes += bytes;
  ++items_;
  bytes_ += bytes;
  if (!b.active) {
    b.active = true;
    active_.push_back(&b);
  }
  last_push_ = std::chrono::steady_clock::now();
}

void CommitQueue::release_locked(Backlog& b, std::size_t bytes) {
  --b.items;
  b.bytes -= bytes;
  --items_;
  bytes_ -= bytes;
}

void CommitQueue::notify_pushed(std::unique_lock<std::mutex>& lock) {
  lock.unlock();
  ready_.notify_all();  // committers wait for different lanes
}

template <class T>
CommitQueue::Admission CommitQueue::admit_locked(const std::string& unit, std::deque<Sized<T>> Backlog::*list, T item,
                                                 std::size_t bytes, bool refused_when_stopping) {
  if (closed_ || (refused_when_stopping && refusing_)) return Admission::kClosed;
  bytes += kItemOverhead;
  if (items_ >= limits_.max_items || bytes_ + bytes > limits_.max_bytes) return Admission::kHubFull;
  auto& slot = backlogs_[unit];
  if (!slot) slot = std::make_unique<Backlog>();
  Backlog& b = *slot;
  if (b.items >= limits_.max_items_per_unit || (b.items > 0 && b.bytes + bytes > limits_.max_bytes_per_unit))
    return Admission::kUnitFull;
  (b.*list).push_back({std::move(item), bytes});
  account_locked(b, bytes);
  return Admission::kQueued;
}

template <class T>
CommitQueue::Admission CommitQueue::push_work(const std::string& unit, std::deque<Sized<T>> Backlog::*list,
                                              std::size_t& count, T item, std::size_t bytes, bool refused_when_stopping) {
  std::unique_lock lock(mu_);
  const Admission a = admit_locked(unit, list, std::move(item), bytes, refused_when_stopping);
  if (a != Admission::kQueued) return a;
  ++count;
  notify_pushed(lock);
  return a;
}

CommitQueue::Admission CommitQueue::push(store::NewCase c, std::size_t bytes) {
  const std::string unit = c.c.origin;
  return push_work(unit, &Backlog::cases, cases_, std::move(c), bytes, true);
}

CommitQueue::Admission CommitQueue::push(store::NewReply r, std::size_t bytes) {
  const std::string unit = r.sender;
  return push_work(unit, &Backlog::replies, replies_, std::move(r), bytes, true);
}

CommitQueue::Admission CommitQueue::push(store::NewTransition t, std::size_t bytes) {
  const std::string unit = t.unit;
  return push_work(unit, &Backlog::transitions, transitions_, std::move(t), bytes, true);
}

CommitQueue::Admission CommitQueue::push(store::NewAck a, std::size_t bytes) {
  const std::string unit = a.unit;
  return push_work(unit, &Backlog::acks, acks_, std::move(a), bytes, false);  // acks are taken while stopping
}

bool CommitQueue::push(store::Event e, std::size_t bytes) {
  std::unique_lock lock(mu_);
  bytes += kItemOverhead;
  if (items_ >= limits_.max_items || bytes_ + bytes > limits_.max_bytes) {
    ++events_dropped_;
    return false;
  }
  events_.push_back({std::move(e), bytes});
  ++items_;
  bytes_ += bytes;
  notify_pushed(lock);
  return true;
}

bool CommitQueue::pending_locked(Lane lane) const {
  if (lane == Lane::kAll) return items_ > 0;
  return cases_ + acks_ + events_.size() > 0;
}

template <class T>
void CommitQueue::take_in_turn(std::deque<Sized<T>> Backlog::*list, std::size_t most, std::vector<T>& out) {
  bool any_left = true;
  while (out.size() < most && any_left) {
    any_left = false;
    for (Backlog* b : active_) {
      auto& waiting = b->*list;
      for (std::size_t n = 0; n < kQuantum && !waiting.empty() && out.size() < most; ++n) {
        out.push_back(std::move(waiting.front().item));
        release_locked(*b, waiting.front().bytes);
        waiting.pop_front();
      }
      any_left = any_left || !waiting.empty();
    }
  }
}

store::BatchInput CommitQueue::take(Lane lane) {
  std::unique_lock lock(mu_);
  ready_.wait(lock, [&] { return closed_ || pending_locked(lane); });
  store::BatchInput out;
  out.cases.reserve(std::min(cases_, kMaxBatchCases));
  take_in_turn(&Backlog::cases, kMaxBatchCases, out.cases);
  cases_ -= out.cases.size();
  if (lane == Lane::kAll) {
    take_in_turn(&Backlog::replies, kMaxBatchCases, out.replies);
    take_in_turn(&Backlog::transitions, kMaxBatchCases, out.transitions);
    replies_ -= out.replies.size();
    transitions_ -= out.transitions.size();
  }
  out.acks.reserve(acks_);
  take_in_turn(&Backlog::acks, acks_, out.acks);
  acks_ = 0;
  out.events.reserve(events_.size());
  for (auto& e : events_) {
    out.events.push_back(std::move(e.item));
    --items_;
    bytes_ -= e.bytes;
  }
  events_.clear();
  // Backlogs emptied leave the turn; the next batch starts one unit further on.
  std::erase_if(active_, [](Backlog* b) {
    if (b->items > 0) return false;
    b->active = false;
    return true;
  });
  if (active_.size() > 1) std::rotate(active_.begin(), active_.begin() + 1, active_.end());
  return out;
}

void CommitQueue::refuse_new_work() {
  std::lock_guard lock(mu_);
  refusing_ = true;
}

bool CommitQueue::quiet_for(std::chrono::milliseconds quiet) const {
  std::lock_guard lock(mu_);
  return items_ == 0 && std::chrono::steady_clock::now() - last_push_ >= quiet;
}

void CommitQueue::close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  ready_.notify_all();
}

std::pair<std::size_t, std::size_t> CommitQueue::pending_of(const std::string& unit) const {
  std::lock_guard lock(mu_);
  const auto it = backlogs_.find(unit);
  if (it == backlogs_.end()) return {0, 0};
  return {it->second->items, it->second->bytes};
}

std::uint64_t CommitQueue::events_dropped() const {
  std::lock_guard lock(mu_);
  return events_dropped_;
}

}  // namespace hub::bus
