// bench/hub_link.h: one unit's way to its hub when the deployment has several
// hubs (docs/PROTOCOL.md, "Several hubs").
//
// The unit knows the endpoints of every hub (UnitConnection: its own hub
// first, then the others in order). The hub it uses is taken for gone when it
// answered nothing for `silence` although something was sent to it (every
// request and heartbeat is answered; acks are not, but a unit that only acks
// beats too). The unit then closes the socket, connects to the next endpoint
// and sends hello there (the caller does: its hello, its resends), which makes
// the new hub send everything pending for the unit at once. It never stays
// without a hub: after the last endpoint comes the first again.
//
// The socket stays the owner's (Sender or Receiver); HubLink replaces it on a
// move. One thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "keys/key_file.h"

namespace hub::bench {

struct UnitConnection {
  std::string endpoint;
  std::string hub_public_key;
  keys::KeyPair key;
  // Other hubs of the deployment (same database, same keys), in the order to try them.
  std::vector<std::string> fallbacks = {};
};

class HubLink {
 public:
  HubLink(zmq::context_t& ctx, zmq::socket_t& socket, const UnitConnection& unit);
  // Connects the socket to the current endpoint.
  void open();
  const std::string& endpoint() const { return endpoints_[current_]; }
  // Record traffic: something was sent (a request or heartbeat that the hub
  // answers, or an ack) / something was received from the hub.
  void sent(std::int64_t now_ns);
  void heard(std::int64_t now_ns);
  // True when another hub can be tried and this one answered nothing for
  // `silence_ns` since a message was sent to it.
  bool gone(std::int64_t now_ns, std::int64_t silence_ns) const;
  // Replaces the socket with one connected to the next endpoint.
  void move_on(std::int64_t now_ns);
  int moves() const { return moves_; }

 private:
  zmq::context_t& ctx_;
  zmq::socket_t& socket_;
  const UnitConnection& unit_;
  std::vector<std::string> endpoints_;
  std::size_t current_ = 0;
  std::int64_t unanswered_since_ns_ = 0;  // 0: everything sent was followed by something heard
  int moves_ = 0;
};

}  // namespace hub::bench
