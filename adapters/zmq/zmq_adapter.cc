#include "zmq_adapter.h"

#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <exception>
#include <span>
#include <string_view>
#include <utility>

#include "curve_key_file.h"
#include "wire_format.h"
#include "zap_handler.h"

namespace hub::zmq_adapter {
namespace {

constexpr const char* kWakeEndpoint = "inproc://hub-zmq-adapter-wake";
constexpr const char* kZapDomain = "xinhui-hub";
// Incoming messages handled per wake-up before the outgoing queue gets a turn.
constexpr int kMostIncomingPerTurn = 256;
// Connections remembered as told "key_revoked"; beyond, the set starts again.
constexpr std::size_t kMostRevokedConnections = 4096;
constexpr std::string_view kKeyRevokedMessage =
    "the CURVE key of this connection no longer belongs to any unit of this hub (removed or replaced by the "
    "operator); nothing more from this connection is accepted or sent to it: connect with your unit's current key "
    "pair, or ask the hub's operator";

std::string_view view(const zmq::message_t& m) { return {static_cast<const char*>(m.data()), m.size()}; }

enum class SendOutcome { kSent, kUnreachable, kQueueFull };

// Sends [routing_id, "xh1", body] (and `data` as a fourth frame when given)
// without blocking. Throws zmq::error_t on errors other than a gone peer
// (EHOSTUNREACH) or a full queue (EAGAIN).
SendOutcome send_to_peer(zmq::socket_t& router, std::string_view routing_id, std::string_view body,
                         const std::optional<std::string>& data = std::nullopt) {
  if (zmq_send(router.handle(), routing_id.data(), routing_id.size(), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) {
    if (zmq_errno() == EHOSTUNREACH) return SendOutcome::kUnreachable;
    if (zmq_errno() == EAGAIN) return SendOutcome::kQueueFull;
    throw zmq::error_t();
  }
  // Once the first frame is accepted, the rest of the message goes to the same pipe.
  if (zmq_send(router.handle(), kProtocolTag.data(), kProtocolTag.size(), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
      zmq_send(router.handle(), body.data(), body.size(), ZMQ_DONTWAIT | (data ? ZMQ_SNDMORE : 0)) < 0 ||
      (data && zmq_send(router.handle(), data->data(), data->size(), ZMQ_DONTWAIT) < 0))
    throw zmq::error_t();
  return SendOutcome::kSent;
}

Status bind_error(const std::string& endpoint, const zmq::error_t& e) {
  const std::string what = "cannot bind " + endpoint + ": " + e.what();
  if (e.num() == EADDRINUSE)
    return Status::Unavailable(what + "; is another hubd running? change adapters[zmq].settings.bind");
  return Status::InvalidArgument(what + "; check adapters[zmq].settings.bind (for example tcp://0.0.0.0:7750)");
}

}  // namespace

// Declared in this order so that the context is destroyed last, after every
// socket is closed (all with linger 0, so nothing waits for slow peers).
struct ZmqAdapter::Sockets {
  Sockets(AdapterHost& host, ZapRules rules)
      : zap(context, host, std::move(rules)),
        router(context, zmq::socket_type::router),
        wake_receiver(context, zmq::socket_type::pull),
        wake_sender(context, zmq::socket_type::push) {
    for (zmq::socket_t* s : {&router, &wake_receiver, &wake_sender}) s->set(zmq::sockopt::linger, 0);
    wake_receiver.bind(kWakeEndpoint);
    wake_sender.connect(kWakeEndpoint);
  }

  zmq::context_t context{1};
  ZapHandler zap;               // I/O thread
  zmq::socket_t router;         // I/O thread
  zmq::socket_t wake_receiver;  // I/O thread
  zmq::socket_t wake_sender;    // any thread, under ZmqAdapter::mutex_
};

ZmqAdapter::ZmqAdapter() = default;

ZmqAdapter::~ZmqAdapter() { stop(); }

AdapterInfo ZmqAdapter::info() const noexcept {
  try {
    return {"zmq", "1.0.0",
            "ZeroMQ ROUTER with CURVE: member units connect as DEALER clients and speak protocol 1 "
            "(\"xh1\", docs/PROTOCOL.md); a unit is known by its CURVE key alone",
            setting_declarations(), false};
  } catch (...) {
    return {};
  }
}

Status ZmqAdapter::start(const nlohmann::json& settings, AdapterHost& host) noexcept {
  try {
    std::lock_guard lifecycle(lifecycle_mutex_);
    if (sockets_) return Status::Conflict("the zmq adapter is already running");
    ZmqSettings parsed;
    if (Status s = parse_settings(settings, parsed); !s.ok()) return s;
    CurveServerKey key;
    if (Status s = read_curve_server_key(parsed.secret_key_file, key); !s.ok()) return s;

    if (const std::string holder = host.authenticate(Credential::curve_key(key.public_z85)).unit; !holder.empty())
      return Status::InvalidArgument("unit " + holder + " has the hub's own public key (" + parsed.secret_key_file +
                                     "): whoever holds the hub's key pair could act as that unit; give the unit a "
                                     "pair of its own ('hubctl keygen --unit " + holder + "')");
    ZapRules rules{key.public_z85,           parsed.handshakes_per_second,   parsed.handshake_burst,
                   parsed.allowed_addresses, parsed.max_messages_per_second, parsed.flood_penalty_seconds};
    auto sockets = std::make_unique<Sockets>(host, std::move(rules));  // binds the ZAP handler before the ROUTER
    zmq::socket_t& router = sockets->router;
    router.set(zmq::sockopt::curve_server, 1);
    router.set(zmq::sockopt::curve_secretkey, zmq::const_buffer(key.secret.data(), key.secret.size()));
    router.set(zmq::sockopt::zap_domain, kZapDomain);
    router.set(zmq::sockopt::router_mandatory, 1);
    router.set(zmq::sockopt::router_handover, 0);  // see zmq_adapter.h: handover lets a unit steal a route
    router.set(zmq::sockopt::maxmsgsize, parsed.transport_max_frame_bytes());
    router.set(zmq::sockopt::sndhwm, parsed.send_high_water_mark);
    try {
      router.bind(parsed.bind);
    } catch (const zmq::error_t& e) {
      return bind_error(parsed.bind, e);
    }
    const std::string endpoint = router.get(zmq::sockopt::last_endpoint);

    settings_ = parsed;
    host_ = &host;
    stop_requested_ = false;
    sockets_ = std::move(sockets);
    try {
      io_thread_ = std::thread(&ZmqAdapter::run_io_thread, this);
    } catch (const std::exception& e) {
      sockets_.reset();
      return Status::Internal(std::string("cannot start the zmq adapter's thread: ") + e.what());
    }
    {
      std::lock_guard lock(mutex_);
      accepting_ = true;
    }
    host.log_info("zmq: serving protocol xh1 on " + endpoint + " (CURVE; the hub's public key is " +
                  key.public_z85 + ")");
    if (!parsed.allowed_addresses.empty())
      host.log_info("zmq: units restricted to networks: " + parsed.allowed_addresses.describe());
    return {};
  } catch (const zmq::error_t& e) {
    return Status::Internal(std::string("cannot set up the zmq adapter's sockets: ") + e.what());
  } catch (const std::exception& e) {
    return Status::Internal(std::string("cannot start the zmq adapter: ") + e.what());
  }
}

Reach ZmqAdapter::reach(const std::string& /*unit*/) const noexcept { return Reach::kWhileConnected; }

Status ZmqAdapter::answer(const Origin& origin, std::string body) noexcept {
  return enqueue(origin.unit, origin.request, std::move(body));
}

Status ZmqAdapter::answer_with_data(const Origin& origin, std::string body, std::string data) noexcept {
  return enqueue(origin.unit, origin.request, std::move(body), std::move(data));
}

Status ZmqAdapter::send(const std::string& unit, std::string body) noexcept { return enqueue(unit, 0, std::move(body)); }

Status ZmqAdapter::enqueue(const std::string& unit, std::uint64_t connection, std::string body,
                           std::optional<std::string> data) noexcept {
  try {
    Route route;
    AdapterHost* host = nullptr;
    {
      std::lock_guard lock(mutex_);
      if (!accepting_) return Status::Unavailable("the zmq adapter is not running");
      const Route* found = connection == 0 ? routes_.find(unit) : routes_.find_connection(unit, connection);
      if (found == nullptr)
        return Status::Unavailable(connection == 0 ? "unit " + unit + " is not connected to the zmq adapter"
                                                   : "the connection of unit " + unit + " that asked is gone");
      route = *found;
      host = host_;
    }
    if (!route_still_valid(*host, unit, route))
      return Status::Unavailable("unit " + unit + " is connected with a key that is no longer its own; waiting for "
                                 "it to connect with its current key");
    std::lock_guard lock(mutex_);
    if (!accepting_) return Status::Unavailable("the zmq adapter is not running");
    const bool was_idle = queue_.empty();
    queue_.push_back({unit, std::move(body), connection, std::move(data)});
    if (was_idle) wake_io_thread();
    return {};
  } catch (const std::exception& e) {
    return Status::Internal(std::string("cannot queue a message for unit ") + unit + ": " + e.what());
  }
}

void ZmqAdapter::stop() noexcept {
  try {
    std::lock_guard lifecycle(lifecycle_mutex_);
    if (!sockets_) return;
    if (std::this_thread::get_id() == io_thread_.get_id()) {
      host_->log_warn("zmq: stop() called from the adapter's own thread (inside an AdapterHost callback); ignored");
      return;
    }
    {
      std::lock_guard lock(mutex_);
      accepting_ = false;
      stop_requested_ = true;
      wake_io_thread();
    }
    io_thread_.join();
    sockets_.reset();
    {
      std::lock_guard lock(mutex_);
      queue_.clear();  // dropped: the host redelivers what was not acknowledged
      routes_ = RouteTable();
    }
    host_->log_info("zmq: stopped");
    told_revoked_.clear();
    std::lock_guard lock(mutex_);  // send() reads host_ after seeing accepting_ under it
    host_ = nullptr;
  } catch (...) {
    // Only std::system_error from a mutex or join could land here; nothing is left to undo.
  }
}

void ZmqAdapter::wake_io_thread() {
  // Non-blocking: if the pipe is full, wake-ups are already pending.
  zmq_send(sockets_->wake_sender.handle(), "", 0, ZMQ_DONTWAIT);
}

void ZmqAdapter::run_io_thread() noexcept {
  zmq_pollitem_t items[] = {
      {sockets_->zap.socket().handle(), 0, ZMQ_POLLIN, 0},
      {sockets_->router.handle(), 0, ZMQ_POLLIN, 0},
      {sockets_->wake_receiver.handle(), 0, ZMQ_POLLIN, 0},
  };
  while (!stop_requested_) {
    try {
      if (zmq_poll(items, 3, -1) < 0) {
        if (zmq_errno() == EINTR) continue;
        host_->log_warn(std::string("zmq: the adapter stopped serving: zmq_poll failed: ") +
                        zmq_strerror(zmq_errno()) + "; restart hubd");
        return;
      }
      if (items[0].revents & ZMQ_POLLIN) sockets_->zap.answer_request();
      if (items[1].revents & ZMQ_POLLIN) receive_incoming();
      if (items[2].revents & ZMQ_POLLIN) send_queued();
    } catch (const std::exception& e) {
      host_->log_warn(std::string("zmq: ") + e.what());
    }
  }
}

void ZmqAdapter::receive_incoming() {
  zmq::socket_t& router = sockets_->router;
  for (int i = 0; i < kMostIncomingPerTurn; ++i) {
    zmq::message_t routing_id;
    if (!router.recv(routing_id, zmq::recv_flags::dontwait)) return;
    // A multipart message arrives whole: read every frame, keep the first three.
    std::vector<zmq::message_t> kept;
    std::size_t frame_count = 0;
    for (bool more = routing_id.more(); more; ++frame_count) {
      zmq::message_t frame;
      if (!router.recv(frame, zmq::recv_flags::dontwait)) break;
      more = frame.more();
      if (kept.size() < kMostFramesPerMessage) kept.push_back(std::move(frame));
    }
    handle_incoming(routing_id.to_string(), frame_count, kept);
  }
}

void ZmqAdapter::handle_incoming(const std::string& routing_id, std::size_t frame_count,
                                 std::vector<zmq::message_t>& kept) {
  // libzmq attaches the ZAP handler's User-Id, the connection's CURVE key, to every frame of the connection.
  const char* user_id = kept.empty() ? nullptr : zmq_msg_gets(kept[0].handle(), "User-Id");
  if (user_id == nullptr || *user_id == '\0') {
    host_->log_warn("zmq: dropped a message without an authenticated unit (no User-Id)");
    return;
  }
  const std::string key(user_id);
  // A flooding connection is cut before its messages cost more (flood_guard.h).
  switch (sockets_->zap.flood().admit(routing_id, key, std::chrono::steady_clock::now())) {
    case FloodGuard::Verdict::kRead: break;
    case FloodGuard::Verdict::kDrop: return;
    case FloodGuard::Verdict::kCut: cut_flooding_connection(kept[0], routing_id, key); return;
  }
  // Asked for every message: a reload may have removed or rotated the key since the handshake.
  const Identity identity = host_->authenticate(Credential::curve_key(key));
  if (!identity.ok()) {
    refuse_revoked(routing_id, key);
    return;
  }
  const std::string& unit = identity.unit;
  if (!told_revoked_.empty()) told_revoked_.erase(routing_id);  // the key was given back
  RouteTable::Remembered remembered;
  {
    std::lock_guard lock(mutex_);
    remembered = routes_.remember(unit, routing_id, key);
  }
  if (remembered.displaced)
    host_->log_warn("zmq: the connection of unit " + *remembered.displaced + " was taken over by unit " + unit +
                    " (same ZeroMQ routing id); " + *remembered.displaced + " must reconnect");

  std::array<std::string_view, kMostFramesPerMessage> frames;
  for (std::size_t i = 0; i < kept.size(); ++i) frames[i] = view(kept[i]);
  const auto max_body_bytes = static_cast<std::size_t>(settings_.max_message_bytes);
  const IncomingVerdict verdict =
      check_incoming(frame_count, std::span(frames.data(), kept.size()), max_body_bytes);
  if (verdict.error) {
    // The answer is best effort: a full or gone peer simply misses it.
    send_to_peer(sockets_->router, routing_id, *verdict.error);
    return;
  }
  if (verdict.data)
    host_->on_message_with_data(Origin{unit, remembered.connection}, std::string(verdict.body),
                                std::string(*verdict.data));
  else
    host_->on_message(Origin{unit, remembered.connection}, std::string(verdict.body));
}

void ZmqAdapter::refuse_revoked(const std::string& routing_id, const std::string& key) {
  std::optional<std::string> forgotten;
  {
    std::lock_guard lock(mutex_);
    forgotten = routes_.forget_connection(routing_id);
  }
  if (told_revoked_.size() >= kMostRevokedConnections) told_revoked_.clear();
  if (!told_revoked_.insert(routing_id).second) return;  // answered once already: dropped silently
  send_to_peer(sockets_->router, routing_id, error_body("key_revoked", kKeyRevokedMessage));
  sockets_->zap.log_refusal(
      "revoked " + key, "refused a message: the CURVE key " + key.substr(0, 8) + "… of an open connection" +
                            (forgotten ? " of unit " + *forgotten : std::string()) +
                            " no longer belongs to any unit (removed or rotated at a reload); answered key_revoked, "
                            "and nothing more from or to that connection");
}

void ZmqAdapter::cut_flooding_connection(const zmq::message_t& message, const std::string& routing_id,
                                         const std::string& key) {
  // libzmq has no call to close one peer of a ROUTER: the socket the message
  // came from is shut down under it, and libzmq closes the connection as if
  // the peer had gone. Its routing id is never reused, so nothing else is hit.
  const int fd = zmq_msg_get(message.handle(), ZMQ_SRCFD);
  int type = 0;
  socklen_t length = sizeof type;
  const bool shut = fd >= 0 && ::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) == 0 && type == SOCK_STREAM &&
                    ::shutdown(fd, SHUT_RDWR) == 0;
  std::optional<std::string> unit;
  {
    std::lock_guard lock(mutex_);
    unit = routes_.forget_connection(routing_id);
  }
  FloodGuard& flood = sockets_->zap.flood();
  sockets_->zap.log_refusal(
      "flood " + key,
      "zmq: " + std::string(shut ? "cut" : "stopped reading") + " the connection of " +
          (unit ? "unit " + *unit : std::string("the key ")) + " (key " + key.substr(0, 8) + "…): more than " +
          std::to_string(flood.messages_per_second()) + " messages a second (adapters[zmq].settings." +
          "max_messages_per_second); its key is refused for " + std::to_string(flood.last_penalty(key).count()) +
          " s");
}

bool ZmqAdapter::route_still_valid(AdapterHost& host, const std::string& unit, const Route& route) {
  if (host.authenticate(Credential::curve_key(route.key)).unit == unit) return true;
  bool forgotten = false;
  {
    std::lock_guard lock(mutex_);
    forgotten = routes_.forget(unit, route.routing_id);
  }
  if (forgotten)
    host.log_warn("zmq: the connection of unit " + unit + " uses the key " + route.key.substr(0, 8) +
                    "…, which is no longer the unit's; nothing more is sent to it (the unit must connect with its "
                    "current key)");
  return false;
}

void ZmqAdapter::send_queued() {
  // Drain the wake-ups before taking the queue: a send() after the swap sends a new one.
  char ignored;
  while (zmq_recv(sockets_->wake_receiver.handle(), &ignored, sizeof ignored, ZMQ_DONTWAIT) >= 0) {
  }
  struct Addressed {
    Route route;  // empty routing id: the unit's route (or the connection answered) was forgotten since
    Outgoing message;
  };
  std::vector<Addressed> batch;
  {
    std::lock_guard lock(mutex_);
    batch.reserve(queue_.size());
    for (Outgoing& message : queue_) {
      const Route* route = message.connection == 0 ? routes_.find(message.unit)
                                                   : routes_.find_connection(message.unit, message.connection);
      batch.push_back({route ? *route : Route(), std::move(message)});
    }
    queue_.clear();
  }
  for (const Addressed& item : batch) {
    const std::string& unit = item.message.unit;
    const std::string& routing_id = item.route.routing_id;
    // The key is checked again here: a reload may have revoked it since send() queued the message.
    if (!routing_id.empty() && !route_still_valid(*host_, unit, item.route)) continue;
    const SendOutcome outcome = routing_id.empty() ? SendOutcome::kUnreachable
                                                   : send_to_peer(sockets_->router, routing_id, item.message.body,
                                                                  item.message.data);
    if (outcome == SendOutcome::kUnreachable && !routing_id.empty()) {
      bool forgotten = false;
      {
        std::lock_guard lock(mutex_);
        forgotten = routes_.forget(unit, routing_id);
      }
      if (forgotten)
        host_->log_warn("zmq: unit " + unit + " is no longer connected; dropped a message for it and will answer "
                        "Unavailable until it connects again");
    } else if (outcome == SendOutcome::kQueueFull) {
      host_->log_warn("zmq: dropped a message for unit " + unit + ": " +
                      std::to_string(settings_.send_high_water_mark) +
                      " messages are already queued for it (adapters[zmq].settings.send_high_water_mark)");
    }
  }
}

}  // namespace hub::zmq_adapter
