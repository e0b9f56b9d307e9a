#include "bus/intake_pool.h"

#include <algorithm>

namespace hub::bus {

IntakePool::IntakePool(IntakePoolLimits limits, Handler handle) : limits_(limits), handle_(std::move(handle)) {
  const std::size_t workers = std::max<std::size_t>(1, limits_.workers);
  workers_.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
}

IntakePool::~IntakePool() { stop(); }

IntakePool::Admission IntakePool::submit(const std::string& unit, const protocol::AnswerTo& to, std::string body) {
  const std::size_t size = body.size();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Admission::kStopped;
    if (messages_ + 1 > limits_.hub_messages || bytes_ + size > limits_.hub_bytes) return Admission::kHubFull;
    Lane& lane = lanes_[unit];
    if (lane.items.size() + 1 > limits_.unit_messages || lane.bytes + size > limits_.unit_bytes) {
      if (lane.items.empty() && !lane.in_line) lanes_.erase(unit);
      return Admission::kUnitFull;
    }
    lane.items.push_back(Item{to, std::move(body)});
    lane.bytes += size;
    ++messages_;
    bytes_ += size;
    if (lane.in_line) return Admission::kQueued;  // its worker, or its place in line, takes it
    lane.in_line = true;
    ready_.push_back(unit);
  }
  ready_cv_.notify_one();
  return Admission::kQueued;
}

bool IntakePool::idle() const {
  std::lock_guard lock(mu_);
  return messages_ == 0 && working_ == 0;
}

void IntakePool::work() {
  std::vector<Item> batch;
  batch.reserve(kBatch);
  std::unique_lock lock(mu_);
  for (;;) {
    ready_cv_.wait(lock, [this] { return !ready_.empty() || (stopping_ && messages_ == 0); });
    if (ready_.empty()) return;  // stopping, and everything submitted was read
    const std::string unit = std::move(ready_.front());
    ready_.pop_front();
    Lane& lane = lanes_.at(unit);
    while (!lane.items.empty() && batch.size() < kBatch) {
      lane.bytes -= lane.items.front().body.size();
      bytes_ -= lane.items.front().body.size();
      --messages_;
      batch.push_back(std::move(lane.items.front()));
      lane.items.pop_front();
    }
    ++working_;
    lock.unlock();
    for (const Item& item : batch) handle_(unit, item.to, item.body);
    batch.clear();
    lock.lock();
    --working_;
    Lane& worked = lanes_.at(unit);  // still there: in_line kept others from erasing it
    if (worked.items.empty()) {
      lanes_.erase(unit);
    } else {
      ready_.push_back(unit);  // behind every unit already waiting
      ready_cv_.notify_one();
    }
    if (stopping_ && messages_ == 0) ready_cv_.notify_all();
  }
}

void IntakePool::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  ready_cv_.notify_all();
  for (auto& worker : workers_)
    if (worker.joinable()) worker.join();
  workers_.clear();
}

}  // namespace hub::bus
