#include "unit_client.h"

#include <zmq_addon.hpp>

namespace hub::testing {

UnitClient::UnitClient(const std::string& endpoint, const keys::KeyPair& unit_key, const std::string& hub_public_key)
    : socket_(context_, zmq::socket_type::dealer) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.set(zmq::sockopt::curve_serverkey, hub_public_key);
  socket_.set(zmq::sockopt::curve_publickey, unit_key.public_key);
  socket_.set(zmq::sockopt::curve_secretkey, unit_key.secret_key);
  socket_.connect(endpoint);
}

void UnitClient::send_raw(const std::vector<std::string>& frames) {
  for (std::size_t i = 0; i < frames.size(); ++i)
    socket_.send(zmq::buffer(frames[i]), i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
}

bool UnitClient::try_send_raw(const std::vector<std::string>& frames) {
  std::vector<zmq::const_buffer> buffers;
  for (const auto& f : frames) buffers.push_back(zmq::buffer(f));
  return zmq::send_multipart(socket_, buffers, zmq::send_flags::dontwait).has_value();
}

void UnitClient::send(const Json& message) { send_raw({"xh1", message.dump()}); }

void UnitClient::send_case(const std::string& reference, const std::string& type, const std::string& compound,
                           Json payload) {
  send({{"kind", "send"}, {"reference", reference}, {"type", type}, {"compound", compound}, {"payload", std::move(payload)}});
}

void UnitClient::reply(std::int64_t delivery, const std::string& reference, bool final, const std::string& outcome,
                       Json body) {
  send({{"kind", "reply"}, {"delivery", delivery}, {"reference", reference}, {"final", final}, {"outcome", outcome},
        {"body", std::move(body)}});
}

std::optional<std::vector<std::string>> UnitClient::receive_frames(std::chrono::milliseconds timeout) {
  zmq::pollitem_t items[] = {{socket_.handle(), 0, ZMQ_POLLIN, 0}};
  zmq::poll(items, 1, timeout);
  if (!(items[0].revents & ZMQ_POLLIN)) return std::nullopt;
  std::vector<std::string> frames;
  for (;;) {
    zmq::message_t m;
    if (!socket_.recv(m)) break;
    frames.push_back(m.to_string());
    if (!m.more()) break;
  }
  return frames;
}

bool UnitClient::receive_one(std::chrono::milliseconds timeout) {
  auto frames = receive_frames(timeout);
  if (!frames) return false;
  if ((frames->size() == 2 || frames->size() == 3) && (*frames)[0] == "xh1") {
    Json j = Json::parse((*frames)[1], nullptr, false);
    if (j.is_object() && frames->size() == 3) j[kDataFrame] = std::move((*frames)[2]);
    if (j.is_object()) kept_.push_back(std::move(j));
  }
  return true;
}

std::optional<Json> UnitClient::wait_for(const std::function<bool(const Json&)>& match,
                                         std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t checked = 0;
  for (;;) {
    for (; checked < kept_.size(); ++checked)
      if (match(kept_[checked])) {
        Json found = kept_[checked];
        kept_.erase(kept_.begin() + static_cast<std::ptrdiff_t>(checked));
        return found;
      }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !receive_one(left)) return std::nullopt;
  }
}

std::optional<Json> UnitClient::wait_kind(const std::string& kind, std::chrono::milliseconds timeout) {
  return wait_for([&](const Json& j) { return j.value("kind", "") == kind; }, timeout);
}

std::optional<Json> UnitClient::wait_answer(const std::string& reference, std::chrono::milliseconds timeout) {
  return wait_for(
      [&](const Json& j) {
        const std::string kind = j.value("kind", "");
        return (kind == "accepted" || kind == "rejected" || kind == "error" || kind == "reply_accepted" ||
                kind == "transition_accepted") &&
               j.value("reference", "") == reference;
      },
      timeout);
}

}  // namespace hub::testing
