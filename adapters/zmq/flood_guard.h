// flood_guard.h: cuts a connection that sends faster than any unit should, and
// keeps its key out for a while.
//
// The hub drops what a unit sends beyond its quota unread, but every message
// still costs the hub a read and its CURVE decryption: a connection sending
// tens of thousands of messages a second takes CPU the other units need. So,
// per connection (libzmq's routing id, never reused while the socket lives), a
// token bucket of `messages_per_second` in bursts of as many: the first message
// over it makes admit() answer kCut, once (the adapter shuts the connection's
// socket down, so TCP pushes the flood back to its sender), and kDrop for
// what was still queued from that connection. The connection's key is then
// refused at the handshake for a penalty: `first_penalty`, doubled for each
// cut while the last penalty is less than an hour old, at most
// `longest_penalty`. A unit that is cut can connect again afterwards.
//
// Memory is bounded: the buckets as in HandshakeLimiter; the routing ids cut
// and the penalties by key are forgotten beyond kMostRemembered (a cut
// connection is closed; a forgotten penalty only shortens one).
//
// Not thread-safe: the zmq adapter's I/O thread owns it. Time is passed in.
#pragma once

#include <chrono>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "handshake_limiter.h"

namespace hub::zmq_adapter {

class FloodGuard {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  static constexpr std::size_t kMostRemembered = 4096;

  enum class Verdict { kRead, kCut, kDrop };

  // messages_per_second 0: no limit (admit() is always kRead).
  FloodGuard(int messages_per_second, std::chrono::seconds first_penalty, std::chrono::seconds longest_penalty);

  Verdict admit(const std::string& routing_id, const std::string& key, TimePoint now);
  // How long `key` is still refused at the handshake (zero: not at all).
  std::chrono::seconds penalty_left(const std::string& key, TimePoint now) const;
  // The penalty the last cut of `key` gave.
  std::chrono::seconds last_penalty(const std::string& key) const;
  int messages_per_second() const { return messages_per_second_; }

 private:
  struct Penalty {
    TimePoint until;
    std::chrono::seconds length{0};
  };

  int messages_per_second_;
  std::chrono::seconds first_penalty_, longest_penalty_;
  HandshakeLimiter rates_;  // the same bounded buckets, one per routing id
  std::unordered_set<std::string> cut_;
  std::unordered_map<std::string, Penalty> penalties_;
};

}  // namespace hub::zmq_adapter
