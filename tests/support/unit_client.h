// tests/support/unit_client.h: a member unit's system, for tests.
//
// A real ZeroMQ DEALER with the unit's CURVE key, speaking protocol xh1
// exactly as docs/PROTOCOL.md describes. Messages that arrive are kept in
// order; the wait_* helpers block until a matching one arrives or the
// deadline passes (no sleeps). One thread.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>

#include <zmq.hpp>

#include "hub/case.h"
#include "keys/key_file.h"

namespace hub::testing {

class UnitClient {
 public:
  // A message that came with a third frame (a fetched file's bytes) is kept
  // with those bytes as this member, as they are.
  static constexpr const char* kDataFrame = "__data_frame";

  UnitClient(const std::string& endpoint, const keys::KeyPair& unit_key, const std::string& hub_public_key);

  void send_raw(const std::vector<std::string>& frames);
  // Sends without waiting: false when the socket would block (its queue to
  // the hub full, or no connection to queue on).
  bool try_send_raw(const std::vector<std::string>& frames);
  void send(const Json& message);  // frames ["xh1", message]
  void hello() { send({{"kind", "hello"}, {"client", "test"}}); }
  void send_case(const std::string& reference, const std::string& type, const std::string& compound, Json payload);
  void ack_delivery(std::int64_t id) { send({{"kind", "ack"}, {"delivery", id}}); }
  void ack_reply(std::int64_t id) { send({{"kind", "ack"}, {"reply", id}}); }
  void reply(std::int64_t delivery, const std::string& reference, bool final, const std::string& outcome, Json body);

  // The first received message (kept or new) for which `match` is true; it is
  // removed from the kept ones. nullopt after `timeout`.
  std::optional<Json> wait_for(const std::function<bool(const Json&)>& match,
                               std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::optional<Json> wait_kind(const std::string& kind, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The answer (accepted, rejected, reply_accepted, transition_accepted or
  // error) that echoes `reference`.
  std::optional<Json> wait_answer(const std::string& reference,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Raw frames of the next message, for framing tests.
  std::optional<std::vector<std::string>> receive_frames(std::chrono::milliseconds timeout);

 private:
  bool receive_one(std::chrono::milliseconds timeout);
  zmq::context_t context_;
  zmq::socket_t socket_;
  std::deque<Json> kept_;
};

}  // namespace hub::testing
