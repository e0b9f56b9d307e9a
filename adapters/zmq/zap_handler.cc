#include "zap_handler.h"

#include <array>
#include <iterator>
#include <string_view>
#include <vector>

#include <zmq_addon.hpp>

namespace hub::zmq_adapter {
namespace {

constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";
constexpr std::string_view kZapVersion = "1.0";
constexpr std::size_t kCurveKeyBytes = 32;
constexpr auto kRefusalLogInterval = std::chrono::minutes(1);
constexpr std::size_t kMostRememberedRefusals = 1024;

// ZAP request frames (RFC 27).
enum ZapFrame : std::size_t { kVersion, kRequestId, kDomain, kAddress, kIdentity, kMechanism, kCredentials };

std::string_view view(const zmq::message_t& m) { return {static_cast<const char*>(m.data()), m.size()}; }

void send_reply(zmq::socket_t& socket, std::string_view request_id, std::string_view status_code,
                std::string_view status_text, std::string_view user_id) {
  const std::array<zmq::const_buffer, 6> reply = {zmq::buffer(kZapVersion), zmq::buffer(request_id),
                                                  zmq::buffer(status_code), zmq::buffer(status_text),
                                                  zmq::buffer(user_id),     zmq::const_buffer()};
  zmq::send_multipart(socket, reply);
}

}  // namespace

ZapHandler::ZapHandler(zmq::context_t& context, AdapterHost& host) : socket_(context, zmq::socket_type::rep), host_(host) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.bind(kZapEndpoint);
}

void ZapHandler::answer_request() {
  std::vector<zmq::message_t> request;
  if (!zmq::recv_multipart(socket_, std::back_inserter(request), zmq::recv_flags::dontwait)) return;
  const std::string_view request_id = request.size() > kRequestId ? view(request[kRequestId]) : std::string_view();
  if (request.size() <= kCredentials || view(request[kVersion]) != kZapVersion ||
      view(request[kMechanism]) != "CURVE" || request[kCredentials].size() != kCurveKeyBytes) {
    host_.log_warn("refused connection: malformed authentication request (not a CURVE client?)");
    send_reply(socket_, request_id, "400", "CURVE required", "");
    return;
  }
  char key_z85[41] = {};
  zmq_z85_encode(key_z85, static_cast<const std::uint8_t*>(request[kCredentials].data()), kCurveKeyBytes);
  const std::string unit = host_.unit_for_key(key_z85);
  if (!unit.empty()) {
    send_reply(socket_, request_id, "200", "OK", unit);
    return;
  }
  if (should_log_refusal(key_z85))
    host_.log_warn("refused connection: unknown CURVE key " + std::string(key_z85, 8) + "… from " +
                   std::string(view(request[kAddress])) + " (no unit has this public key)");
  send_reply(socket_, request_id, "400", "unknown key", "");
}

bool ZapHandler::should_log_refusal(const std::string& key_z85) {
  const auto now = std::chrono::steady_clock::now();
  if (last_refusal_logged_.size() >= kMostRememberedRefusals) last_refusal_logged_.clear();
  auto [it, inserted] = last_refusal_logged_.try_emplace(key_z85, now);
  if (inserted) return true;
  if (now - it->second < kRefusalLogInterval) return false;
  it->second = now;
  return true;
}

}  // namespace hub::zmq_adapter
