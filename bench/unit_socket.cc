#include "unit_socket.h"

#include <charconv>

namespace hub::bench {
namespace {

constexpr std::string_view kTag = "xh1";

}  // namespace

void connect_unit_socket(zmq::socket_t& s, const std::string& endpoint, const std::string& hub_public_key,
                         const keys::KeyPair& key) {
  s.set(zmq::sockopt::linger, 0);
  s.set(zmq::sockopt::sndhwm, 0);
  s.set(zmq::sockopt::rcvhwm, 0);
  s.set(zmq::sockopt::curve_serverkey, hub_public_key);
  s.set(zmq::sockopt::curve_publickey, key.public_key);
  s.set(zmq::sockopt::curve_secretkey, key.secret_key);
  s.connect(endpoint);
}

bool send_message(zmq::socket_t& s, std::string_view body) {
  if (!s.send(zmq::buffer(kTag), zmq::send_flags::sndmore | zmq::send_flags::dontwait)) return false;
  // Once the first frame is queued, the second goes to the same pipe.
  s.send(zmq::buffer(body), zmq::send_flags::none);
  return true;
}

void send_message_waiting(zmq::socket_t& s, std::string_view body) {
  s.send(zmq::buffer(kTag), zmq::send_flags::sndmore);
  s.send(zmq::buffer(body), zmq::send_flags::none);
}

std::optional<std::string> receive_body(zmq::socket_t& s) {
  zmq::message_t first;
  if (!s.recv(first, zmq::recv_flags::dontwait)) return std::nullopt;
  std::string body;
  const bool framed = first.to_string_view() == kTag;
  int frames = 1;
  for (bool more = first.more(); more; ++frames) {
    zmq::message_t m;
    if (!s.recv(m, zmq::recv_flags::none)) break;
    more = m.more();
    if (frames == 1) body = m.to_string();
  }
  if (!framed || frames != 2) return std::string();
  return body;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  return v;
}

}  // namespace hub::bench
