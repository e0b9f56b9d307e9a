#include "bus/commit_queue.h"

namespace hub::bus {

std::size_t CommitQueue::size_locked() const {
  return pending_.cases.size() + pending_.replies.size() + pending_.transitions.size() + pending_.acks.size() +
         pending_.events.size();
}

std::size_t CommitQueue::size_locked(Lane lane) const {
  if (lane == Lane::kAll) return size_locked();
  return pending_.cases.size() + pending_.acks.size() + pending_.events.size();
}

template <class T>
bool CommitQueue::push_bounded(std::vector<T> store::BatchInput::*list, T item) {
  std::unique_lock lock(mu_);
  if (closed_ || refusing_ || size_locked() >= capacity_) return false;
  (pending_.*list).push_back(std::move(item));
  last_push_ = std::chrono::steady_clock::now();
  lock.unlock();
  ready_.notify_all();  // committers wait for different lanes
  return true;
}

bool CommitQueue::push(store::NewCase c) { return push_bounded(&store::BatchInput::cases, std::move(c)); }
bool CommitQueue::push(store::NewReply r) { return push_bounded(&store::BatchInput::replies, std::move(r)); }
bool CommitQueue::push(store::NewTransition t) {
  return push_bounded(&store::BatchInput::transitions, std::move(t));
}
bool CommitQueue::push(store::NewAck a) {
  std::unique_lock lock(mu_);
  if (closed_) return false;
  pending_.acks.push_back(std::move(a));
  last_push_ = std::chrono::steady_clock::now();
  lock.unlock();
  ready_.notify_all();  // committers wait for different lanes
  return true;
}

void CommitQueue::push(store::Event e) {
  std::unique_lock lock(mu_);
  pending_.events.push_back(std::move(e));
  lock.unlock();
  ready_.notify_all();  // committers wait for different lanes
}

store::BatchInput CommitQueue::take(Lane lane) {
  std::unique_lock lock(mu_);
  ready_.wait(lock, [&] { return closed_ || size_locked(lane) > 0; });
  store::BatchInput out;
  std::swap(out, pending_);
  if (lane == Lane::kCasesAndAcks) {  // leave replies and lifecycle requests to the kAll committer
    std::swap(pending_.replies, out.replies);
    std::swap(pending_.transitions, out.transitions);
  }
  auto keep_rest = [](auto& taken, auto& rest) {
    if (taken.size() <= kMaxBatchCases) return;
    rest.assign(std::make_move_iterator(taken.begin() + kMaxBatchCases), std::make_move_iterator(taken.end()));
    taken.resize(kMaxBatchCases);
  };
  keep_rest(out.cases, pending_.cases);
  keep_rest(out.replies, pending_.replies);
  keep_rest(out.transitions, pending_.transitions);
  return out;
}

void CommitQueue::refuse_new_work() {
  std::lock_guard lock(mu_);
  refusing_ = true;
}

bool CommitQueue::quiet_for(std::chrono::milliseconds quiet) const {
  std::lock_guard lock(mu_);
  return size_locked() == 0 && std::chrono::steady_clock::now() - last_push_ >= quiet;
}

void CommitQueue::close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  ready_.notify_all();
}

}  // namespace hub::bus
