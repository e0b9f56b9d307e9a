#include "hub_link.h"

#include "unit_socket.h"

namespace hub::bench {

HubLink::HubLink(zmq::context_t& ctx, zmq::socket_t& socket, const UnitConnection& unit)
    : ctx_(ctx), socket_(socket), unit_(unit) {
  endpoints_.push_back(unit.endpoint);
  endpoints_.insert(endpoints_.end(), unit.fallbacks.begin(), unit.fallbacks.end());
}

void HubLink::open() { connect_unit_socket(socket_, endpoint(), unit_.hub_public_key, unit_.key); }

void HubLink::sent(std::int64_t now_ns) {
  if (unanswered_since_ns_ == 0) unanswered_since_ns_ = now_ns;
}

void HubLink::heard(std::int64_t) { unanswered_since_ns_ = 0; }

bool HubLink::gone(std::int64_t now_ns, std::int64_t silence_ns) const {
  return endpoints_.size() > 1 && unanswered_since_ns_ != 0 && now_ns - unanswered_since_ns_ > silence_ns;
}

void HubLink::move_on(std::int64_t now_ns) {
  current_ = (current_ + 1) % endpoints_.size();
  socket_ = zmq::socket_t(ctx_, zmq::socket_type::dealer);  // the old one goes, with what it still queued
  connect_unit_socket(socket_, endpoint(), unit_.hub_public_key, unit_.key);
  unanswered_since_ns_ = now_ns;  // the new hub must answer too
  ++moves_;
}

}  // namespace hub::bench
