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

std::string fingerprint(const std::string& key_z85) { return key_z85.substr(0, 8) + "…"; }

}  // namespace

ZapHandler::ZapHandler(zmq::context_t& context, AdapterHost& host, ZapRules rules)
    : socket_(context, zmq::socket_type::rep),
      host_(host),
      rules_(std::move(rules)),
      handshakes_(rules_.handshakes_per_second, rules_.handshake_burst),
      flood_(rules_.max_messages_per_second, std::chrono::seconds(rules_.flood_penalty_seconds),
             std::chrono::seconds(rules_.flood_penalty_seconds) * 60) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.bind(kZapEndpoint);
}

void ZapHandler::answer_request() {
  std::vector<zmq::message_t> request;
  if (!zmq::recv_multipart(socket_, std::back_inserter(request), zmq::recv_flags::dontwait)) return;
  const std::string_view request_id = request.size() > kRequestId ? view(request[kRequestId]) : std::string_view();
  if (request.size() <= kCredentials || view(request[kVersion]) != kZapVersion ||
      view(request[kMechanism]) != "CURVE" || request[kCredentials].size() != kCurveKeyBytes) {
    log_refusal("malformed", "refused connection: malformed authentication request (not a CURVE client?)");
    send_reply(socket_, request_id, "400", "CURVE required", "");
    return;
  }
  const std::string address(view(request[kAddress]));
  if (!handshakes_.allow(address, std::chrono::steady_clock::now())) {
    log_refusal("rate " + address, "refused connection from " + address + ": more than " +
                                       std::to_string(rules_.handshakes_per_second) +
                                       " CURVE handshakes a second (adapters[zmq].settings.handshakes_per_second)");
    send_reply(socket_, request_id, "400", "too many handshakes", "");
    return;
  }
  char key_buffer[41] = {};
  zmq_z85_encode(key_buffer, static_cast<const std::uint8_t*>(request[kCredentials].data()), kCurveKeyBytes);
  const std::string key(key_buffer);
  const std::string unit = key == rules_.hub_public_key ? std::string() : host_.authenticate(Credential::curve_key(key)).unit;
  if (unit.empty()) {
    log_refusal(key, "refused connection: unknown CURVE key " + fingerprint(key) + " from " + address +
                         (key == rules_.hub_public_key ? " (the hub's own public key: a client holds the hub's key pair)"
                                                       : " (no unit has this public key)"));
    send_reply(socket_, request_id, "400", "unknown key", "");
    return;
  }
  if (const auto left = flood_.penalty_left(key, std::chrono::steady_clock::now()); left.count() > 0) {
    log_refusal("penalty " + key, "refused connection: unit " + unit + "'s key " + fingerprint(key) + " from " +
                                    address + " for " + std::to_string(left.count()) +
                                    " s more: its last connection was cut for flooding");
    send_reply(socket_, request_id, "400", "cut for flooding", "");
    return;
  }
  if (!rules_.allowed_addresses.allows(unit, address)) {
    log_refusal(unit + " " + address, "refused connection: unit " + unit + "'s key " + fingerprint(key) + " from " +
                                          address + ", outside the unit's networks "
                                          "(adapters[zmq].settings.allowed_addresses)");
    send_reply(socket_, request_id, "400", "address not allowed", "");
    return;
  }
  send_reply(socket_, request_id, "200", "OK", key);
}

void ZapHandler::log_refusal(const std::string& subject, const std::string& line) {
  const RefusalLog::Decision decision = refusals_.admit(subject, std::chrono::steady_clock::now());
  if (!decision.log) return;
  if (decision.not_logged > 0)
    host_.log_warn("zmq: " + std::to_string(decision.not_logged) +
                   " more refusals were not logged (each key or address once a minute, at most 20 lines a minute)");
  host_.log_warn(line);
}

}  // namespace hub::zmq_adapter
