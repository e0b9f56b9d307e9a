#include "timer_thread.h"

#include <utility>

namespace hub::http_adapter {

TimerThread::TimerThread() : thread_([this] { run(); }) {}

TimerThread::~TimerThread() { stop(); }

void TimerThread::at(Clock::time_point when, std::function<void()> callback) {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  const bool earliest = due_.empty() || when < due_.begin()->first;
  due_.emplace(when, std::move(callback));
  if (earliest) wake_.notify_one();
}

void TimerThread::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    due_.clear();
  }
  wake_.notify_one();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void TimerThread::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (due_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const auto next = due_.begin()->first;
    if (Clock::now() < next) {
      wake_.wait_until(lock, next);
      continue;
    }
    auto callback = std::move(due_.begin()->second);
    due_.erase(due_.begin());
    lock.unlock();
    callback();
    lock.lock();
  }
}

}  // namespace hub::http_adapter
