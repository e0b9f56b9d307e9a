// timer_thread.h: runs callbacks at given times on one thread of its own.
//
// The thread sleeps until the earliest time due (nothing wakes it on a
// period). A callback is never cancelled: the work it would do checks
// whether it is still wanted (a request already answered, a poll already
// served). Callbacks run in time order, one at a time, outside the lock; they
// may schedule more. stop() joins the thread and drops what is still to come.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace hub::http_adapter {

class TimerThread {
 public:
  using Clock = std::chrono::steady_clock;

  TimerThread();
  ~TimerThread();  // stops
  TimerThread(const TimerThread&) = delete;
  TimerThread& operator=(const TimerThread&) = delete;

  void at(Clock::time_point when, std::function<void()> callback);
  void stop();

 private:
  void run();

  std::mutex mu_;
  std::condition_variable wake_;
  std::multimap<Clock::time_point, std::function<void()>> due_;  // GUARDED_BY(mu_)
  bool stopping_ = false;                                          // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace hub::http_adapter
