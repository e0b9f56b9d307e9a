// refusal_log.h: how often the zmq adapter logs a refusal (an unknown or
// revoked key, an address over its handshake rate or outside its unit's list).
//
// A refused client keeps reconnecting, and an attacker can present a new key
// or address every time, so two limits apply: each subject (a key, an
// address) is logged at most once per `per_subject` interval, and at most
// `most_lines` refusals are logged per `window` in all. Refusals not logged
// are counted; the next refusal logged after its window ended carries the
// count, for a line "N more refusals were not logged".
//
// Not thread-safe: the zmq adapter's I/O thread owns it. Time is passed in.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace hub::zmq_adapter {

class RefusalLog {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Duration = std::chrono::steady_clock::duration;

  explicit RefusalLog(std::size_t most_lines = 20, Duration window = std::chrono::minutes(1),
                      Duration per_subject = std::chrono::minutes(1), std::size_t most_subjects = 1024);

  struct Decision {
    bool log = false;             // log this refusal
    std::uint64_t not_logged = 0;  // when logging: refusals left out since the last summary, to report first
  };
  // One refusal about `subject` at `now`.
  Decision admit(const std::string& subject, TimePoint now);

 private:
  std::size_t most_lines_;
  Duration window_;
  Duration per_subject_;
  std::size_t most_subjects_;
  TimePoint window_start_{};
  std::size_t lines_in_window_ = 0;
  std::uint64_t not_logged_ = 0;
  std::unordered_map<std::string, TimePoint> last_logged_;  // by subject
};

}  // namespace hub::zmq_adapter
