// The intake pool: each unit's messages in order, a slow unit not holding up
// the others, bounds answered at once, and stop() reading what was taken.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>

#include <catch2/catch.hpp>

#include "bus/intake_pool.h"

using hub::bus::IntakePool;
using hub::bus::IntakePoolLimits;
using hub::protocol::AnswerTo;

namespace {

constexpr auto kPatience = std::chrono::seconds(10);

// Records what the pool hands over; a unit can be held until released.
class Recorder {
 public:
  void handle(const std::string& unit, const std::string& body) {
    std::unique_lock lock(mu_);
    if (unit == held_unit_) {
      ++held_arrived_;
      changed_.notify_all();
      changed_.wait(lock, [&] { return released_; });
    }
    seen_[unit].push_back(body);
    changed_.notify_all();
  }
  void hold(const std::string& unit) {
    std::lock_guard lock(mu_);
    held_unit_ = unit;
  }
  void release() {
    std::lock_guard lock(mu_);
    released_ = true;
    changed_.notify_all();
  }
  // Waits until `unit` got `count` messages; returns them (fewer on timeout).
  std::vector<std::string> wait_for(const std::string& unit, std::size_t count) {
    std::unique_lock lock(mu_);
    changed_.wait_for(lock, kPatience, [&] { return seen_[unit].size() >= count; });
    return seen_[unit];
  }
  bool wait_until_held() {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, kPatience, [&] { return held_arrived_ > 0; });
  }
  std::size_t seen(const std::string& unit) {
    std::lock_guard lock(mu_);
    return seen_[unit].size();
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, std::vector<std::string>> seen_;
  std::string held_unit_;
  int held_arrived_ = 0;
  bool released_ = false;
};

IntakePool::Handler into(Recorder& r) {
  return [&r](const std::string& unit, const AnswerTo&, const std::string& body) { r.handle(unit, body); };
}

}  // namespace

TEST_CASE("each unit's messages are read in the order they were submitted, on several workers", "[intake_pool]") {
  Recorder recorder;
  IntakePool pool(IntakePoolLimits{}, into(recorder));
  constexpr int kEach = 500;
  for (int i = 0; i < kEach; ++i)
    for (const char* unit : {"registry", "court", "pm.anju"})
      REQUIRE(pool.submit(unit, AnswerTo{}, std::to_string(i)) == IntakePool::Admission::kQueued);
  for (const char* unit : {"registry", "court", "pm.anju"}) {
    const auto seen = recorder.wait_for(unit, kEach);
    REQUIRE(seen.size() == kEach);
    for (int i = 0; i < kEach; ++i) CHECK(seen[i] == std::to_string(i));
  }
}

TEST_CASE("a unit whose messages are slow to read does not hold up the others", "[intake_pool]") {
  Recorder recorder;
  IntakePool pool(IntakePoolLimits{.workers = 2}, into(recorder));
  recorder.hold("slow.unit");
  REQUIRE(pool.submit("slow.unit", AnswerTo{}, "first") == IntakePool::Admission::kQueued);
  REQUIRE(pool.submit("slow.unit", AnswerTo{}, "second") == IntakePool::Admission::kQueued);
  REQUIRE(recorder.wait_until_held());  // one worker is stuck in the slow unit's plugin
  for (int i = 0; i < 100; ++i) REQUIRE(pool.submit("court", AnswerTo{}, std::to_string(i)) == IntakePool::Admission::kQueued);
  CHECK(recorder.wait_for("court", 100).size() == 100);  // read by the other worker meanwhile
  CHECK(recorder.seen("slow.unit") == 0);                // its second message waits behind its first
  recorder.release();
  CHECK(recorder.wait_for("slow.unit", 2) == std::vector<std::string>{"first", "second"});
}

TEST_CASE("beyond a unit's bound or the hub's, submit refuses at once, other units still get in", "[intake_pool]") {
  Recorder recorder;
  recorder.hold("flooder");
  IntakePool pool(IntakePoolLimits{.workers = 1, .hub_messages = 10, .unit_messages = 4, .unit_bytes = 1000},
                  into(recorder));
  REQUIRE(pool.submit("flooder", AnswerTo{}, "taken by the worker") == IntakePool::Admission::kQueued);
  REQUIRE(recorder.wait_until_held());
  for (int i = 0; i < 4; ++i) REQUIRE(pool.submit("flooder", AnswerTo{}, "waits") == IntakePool::Admission::kQueued);
  CHECK(pool.submit("flooder", AnswerTo{}, "one too many") == IntakePool::Admission::kUnitFull);
  CHECK(pool.submit("big", AnswerTo{}, std::string(1001, 'x')) == IntakePool::Admission::kUnitFull);
  for (int i = 0; i < 4; ++i) REQUIRE(pool.submit("court", AnswerTo{}, "c") == IntakePool::Admission::kQueued);
  for (int i = 0; i < 2; ++i) REQUIRE(pool.submit("registry", AnswerTo{}, "r") == IntakePool::Admission::kQueued);
  CHECK(pool.submit("registry", AnswerTo{}, "the hub's eleventh") == IntakePool::Admission::kHubFull);
  CHECK_FALSE(pool.idle());
  recorder.release();
  CHECK(recorder.wait_for("flooder", 5).size() == 5);
  CHECK(recorder.wait_for("court", 4).size() == 4);
  CHECK(recorder.wait_for("registry", 2).size() == 2);
}

TEST_CASE("stop() reads every message already submitted, then refuses", "[intake_pool]") {
  Recorder recorder;
  IntakePool pool(IntakePoolLimits{.workers = 3}, into(recorder));
  for (int i = 0; i < 1000; ++i) REQUIRE(pool.submit("registry", AnswerTo{}, std::to_string(i)) == IntakePool::Admission::kQueued);
  pool.stop();
  CHECK(recorder.seen("registry") == 1000);
  CHECK(pool.idle());
  CHECK(pool.submit("registry", AnswerTo{}, "late") == IntakePool::Admission::kStopped);
  pool.stop();  // idempotent
}
