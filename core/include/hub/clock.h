// hub/clock.h: the hub's single notion of time.
//
// Every deadline, timer and timestamp the hub computes comes from one Clock, so
// tests can drive time forward without sleeping. Implementations are safe for
// concurrent use from multiple threads.
#pragma once

#include <chrono>

namespace hub {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

// Wall-clock time.
class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace hub
