// zap_handler.h: authenticates CURVE clients for the zmq adapter (ZAP, ZeroMQ RFC 27).
//
// libzmq asks the socket bound at inproc://zeromq.zap.01 of the adapter's
// context about every CURVE handshake, once the client has completed its part
// (nothing can be refused earlier: docs/OPERATIONS.md shows the firewall rules
// for that). The handler refuses, in this order: an address over its handshake
// rate (HandshakeLimiter), the hub's own public key, a key the host does not
// know, a key whose connection was cut for flooding while its penalty lasts
// (flood_guard.h), and a unit's key from outside the unit's allowed_addresses. It accepts
// the rest with User-Id = the client's public key (Z85), which libzmq attaches
// to every message of that connection: the adapter resolves it to a unit again
// for every message, so that a key revoked at a reload stops working on open
// connections too. Refusals are logged through log_refusal().
//
// Not thread-safe: constructed by start() and then used only by the adapter's
// I/O thread.
#pragma once

#include <string>

#include <zmq.hpp>

#include "address_allow_list.h"
#include "flood_guard.h"
#include "handshake_limiter.h"
#include "hub/adapter.h"
#include "refusal_log.h"

namespace hub::zmq_adapter {

struct ZapRules {
  std::string hub_public_key;  // Z85; a client presenting it is refused
  int handshakes_per_second = 0;  // per address; 0: no limit
  int handshake_burst = 1;
  AddressAllowList allowed_addresses;
  int max_messages_per_second = 0;  // per connection; 0: no limit (flood_guard.h)
  int flood_penalty_seconds = 10;
};

class ZapHandler {
 public:
  // Binds the ZAP endpoint in `context`; do this before binding the ROUTER.
  // Throws zmq::error_t when the endpoint cannot be bound.
  ZapHandler(zmq::context_t& context, AdapterHost& host, ZapRules rules);

  zmq::socket_t& socket() { return socket_; }

  // Answers the pending request; call when socket() is readable. Throws zmq::error_t.
  void answer_request();

  // Logs `line` as a warning unless refusals about `subject` (a key, an
  // address) or refusals in all are over their rate (refusal_log.h); first
  // logs how many were left out, when some were.
  void log_refusal(const std::string& subject, const std::string& line);

  // Connections cut for flooding, and their keys' penalties (refused here).
  FloodGuard& flood() { return flood_; }

 private:
  zmq::socket_t socket_;
  AdapterHost& host_;
  ZapRules rules_;
  HandshakeLimiter handshakes_;
  FloodGuard flood_;
  RefusalLog refusals_;
};

}  // namespace hub::zmq_adapter
