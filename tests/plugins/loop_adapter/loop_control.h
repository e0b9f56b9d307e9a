// loop_control.h: the test's handle on the running test_loop adapter.
//
// test_loop is a second transport for tests: no sockets, the test itself plays
// the unit's system. It hands messages to the host as a unit (authenticated by
// the unit's CURVE key, as a stand-in credential), keeps every answer by its
// request number and every message the hub sends by unit, and reaches the
// units listed in its `any_time` setting at any time (hub::Reach::kAnyTime),
// the others only after they have submitted something.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hub::test_loop {

class LoopControl {
 public:
  virtual ~LoopControl() = default;

  struct Submitted {
    std::uint64_t request = 0;  // 0: refused
    std::string refusal;        // the host's code when refused (key_revoked, ...)
  };
  // Hands `body` to the host as from the unit whose CURVE public key is `key`.
  virtual Submitted submit(const std::string& key, std::string body) = 0;
  // The answer to request `request`, waiting up to `patience`.
  virtual std::optional<std::string> wait_answer(std::uint64_t request, std::chrono::milliseconds patience) = 0;
  // The messages the hub sent to `unit`, waiting up to `patience` until there are `count`.
  virtual std::vector<std::string> wait_sent(const std::string& unit, std::size_t count,
                                             std::chrono::milliseconds patience) = 0;
};

}  // namespace hub::test_loop

// The running adapter, or null when it is not started. Exported by modules/test_loop.so.
extern "C" hub::test_loop::LoopControl* test_loop_running() noexcept;
