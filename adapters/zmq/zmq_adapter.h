// zmq_adapter.h: the zmq transport adapter (module "zmq").
//
// Member units connect as ZeroMQ DEALER clients with CURVE to a ROUTER bound at
// settings.bind and speak protocol 1 ("xh1", docs/PROTOCOL.md). A unit is known
// by its CURVE key alone (ZapHandler); the adapter checks framing and hands
// every body to the host tagged with the unit.
//
// Revocation: the connection's key (ZAP User-Id) is resolved to a unit through
// host.authenticate on every message and before every send, so a key the host
// no longer knows (removed or rotated away at a reload) stops at once on open
// connections too. Its next message is not handed to the host: the connection
// is answered "key_revoked" once (later messages are dropped silently), and its
// route is forgotten. libzmq's ROUTER cannot close one peer's connection, so
// the client stays connected until it leaves; nothing is sent to it.
//
// Threading: one I/O thread owns the ROUTER and ZAP sockets and waits in
// zmq_poll on them and on an inproc wake-up socket; nothing polls on a timer.
// send() may be called from any thread: it queues under a mutex and wakes the
// I/O thread, which sends. start()/stop() may be called from any thread and are
// serialised with each other. No method throws.
//
// Answers: each connection has a number (route_table.h), given to the host as
// the Origin::request of its messages; answer() sends to that connection if it
// is still one of the unit's recent ones, else returns Unavailable.
//
// Send semantics: send() returns Unavailable at once when no message from the
// unit has been seen (or its route was forgotten, or the route's key no longer
// belongs to the unit), OK once queued; the key is checked again when sending. A queued
// message whose connection turns out to be gone (EHOSTUNREACH) or whose queue is
// full (send_high_water_mark) is dropped and logged; the route of a gone
// connection is forgotten so that later send() calls return Unavailable until
// the unit speaks again. Delivery guarantees are the host's (acks, redelivery).
// stop() drops what is still queued.
//
// Host callbacks (authenticate, on_message, log_*) run on the I/O thread, never
// under the adapter's mutex: they may call send(), but not stop(). send() also
// calls authenticate, on the caller's thread (outside the mutex).
//
// Oversized bodies: ZMQ_MAXMSGSIZE is 2 x max_message_bytes + 64 KiB, so a body
// over max_message_bytes is still read and answered with error "oversized"; only
// a frame over the transport limit makes libzmq drop the connection.
//
// Routing ids: ZMQ_ROUTER_HANDOVER is deliberately OFF. With it on, a client may
// present (ZMQ_ROUTING_ID) the routing id of another unit's connection and take
// that connection over: the other unit's messages would go to it, without it
// sending a thing. Off, libzmq ignores a connection whose routing id is in use
// until the first one is gone. Units need no fixed routing id: the route follows
// each unit's latest message. As a second guard, a message arriving on a routing
// id last used by another unit forgets that unit's route (and is logged).
#pragma once

#include <atomic>
#include <deque>
#include <optional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include <zmq.hpp>

#include "hub/adapter.h"
#include "route_table.h"
#include "zmq_settings.h"

namespace hub::zmq_adapter {

class ZmqAdapter final : public Adapter {
 public:
  ZmqAdapter();
  ~ZmqAdapter() override;  // stops
  ZmqAdapter(const ZmqAdapter&) = delete;
  ZmqAdapter& operator=(const ZmqAdapter&) = delete;

  AdapterInfo info() const noexcept override;
  Status start(const nlohmann::json& settings, AdapterHost& host) noexcept override;
  Reach reach(const std::string& unit) const noexcept override;
  Status answer(const Origin& origin, std::string body) noexcept override;
  Status answer_with_data(const Origin& origin, std::string body, std::string data) noexcept override;
  Status send(const std::string& unit, std::string body) noexcept override;
  void stop() noexcept override;

 private:
  struct Sockets;  // the context and every socket, alive between start() and stop()
  struct Outgoing {
    std::string unit;
    std::string body;
    std::uint64_t connection = 0;  // the connection answered (RouteTable numbers); 0: the unit's latest
    std::optional<std::string> data{};  // bytes sent as a fourth frame (answer_with_data)
  };

  // Queues `body` for the unit's connection number `connection` (0: its latest).
  Status enqueue(const std::string& unit, std::uint64_t connection, std::string body,
                 std::optional<std::string> data = std::nullopt) noexcept;

  // Everything below runs on the I/O thread unless marked otherwise.
  void run_io_thread() noexcept;
  void receive_incoming();
  // `kept` holds the first (up to) two of the `frame_count` frames after the routing id.
  void handle_incoming(const std::string& routing_id, std::size_t frame_count, std::vector<zmq::message_t>& kept);
  void send_queued();
  // Shuts down the socket `message` came from and forgets its route (flood_guard.h).
  void cut_flooding_connection(const zmq::message_t& message, const std::string& routing_id, const std::string& key);
  // Answers a message whose connection's key no longer belongs to a unit (once
  // per connection) and forgets the connection's route.
  void refuse_revoked(const std::string& routing_id, const std::string& key);
  // True when `route`'s key still belongs to `unit` (asking `host`); forgets
  // the route otherwise. Any thread; REQUIRES: mutex_ not held.
  bool route_still_valid(AdapterHost& host, const std::string& unit, const Route& route);
  void wake_io_thread();  // any thread; REQUIRES: mutex_ held and sockets_ alive

  std::mutex lifecycle_mutex_;  // serialises start() and stop()
  std::unique_ptr<Sockets> sockets_;
  std::thread io_thread_;
  std::atomic<bool> stop_requested_{false};
  AdapterHost* host_ = nullptr;  // set while running; written under mutex_ by stop()
  ZmqSettings settings_;         // written by start() before the I/O thread exists

  std::mutex mutex_;  // guards the members below, and the wake-up socket's producer side
  bool accepting_ = false;
  std::deque<Outgoing> queue_;
  RouteTable routes_;

  // I/O thread only: connections already told "key_revoked" (bounded; cleared when full).
  std::unordered_set<std::string> told_revoked_;
};

}  // namespace hub::zmq_adapter
