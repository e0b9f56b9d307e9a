// zap_handler.h: authenticates CURVE clients for the zmq adapter (ZAP, ZeroMQ RFC 27).
//
// libzmq asks the socket bound at inproc://zeromq.zap.01 of the adapter's
// context about every CURVE handshake. The handler accepts a client only when
// the host knows its public key, and answers with User-Id = the unit id, which
// libzmq then attaches to every message of that connection. Refusals are logged
// with log_warn, at most once a minute per key (a refused client keeps
// reconnecting).
//
// Not thread-safe: constructed by start() and then used only by the adapter's
// I/O thread.
#pragma once

#include <chrono>
#include <string>
#include <unordered_map>

#include <zmq.hpp>

#include "hub/adapter.h"

namespace hub::zmq_adapter {

class ZapHandler {
 public:
  // Binds the ZAP endpoint in `context`; do this before binding the ROUTER.
  // Throws zmq::error_t when the endpoint cannot be bound.
  ZapHandler(zmq::context_t& context, AdapterHost& host);

  zmq::socket_t& socket() { return socket_; }

  // Answers the pending request; call when socket() is readable. Throws zmq::error_t.
  void answer_request();

 private:
  bool should_log_refusal(const std::string& key_z85);

  zmq::socket_t socket_;
  AdapterHost& host_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> last_refusal_logged_;
};

}  // namespace hub::zmq_adapter
