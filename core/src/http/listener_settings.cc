#include "http/listener_settings.h"

#include <boost/asio/ip/address.hpp>
#include <charconv>

namespace hub::http {

Status parse_bind_address(const std::string& bind, BindAddress* out) {
  const auto fail = [&bind](const std::string& why) {
    return Status::InvalidArgument("listener bind \"" + bind + "\": " + why +
                                   "; write an IP address and a port, such as 127.0.0.1:8443 or [::1]:8443");
  };
  std::string host;
  std::string port;
  if (!bind.empty() && bind.front() == '[') {
    const auto close = bind.find(']');
    if (close == std::string::npos || close + 1 >= bind.size() || bind[close + 1] != ':') {
      return fail("an IPv6 address in brackets must be followed by :port");
    }
    host = bind.substr(1, close - 1);
    port = bind.substr(close + 2);
  } else {
    const auto colon = bind.rfind(':');
    if (colon == std::string::npos) return fail("no port");
    host = bind.substr(0, colon);
    port = bind.substr(colon + 1);
    if (host.find(':') != std::string::npos) return fail("an IPv6 address must be in brackets");
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    return fail("the port must be a number from 0 to 65535 (0: any free port)");
  }
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(host, error);
  if (error) return fail("\"" + host + "\" is not an IP address (names are not resolved)");
  out->host = host;
  out->port = static_cast<std::uint16_t>(value);
  out->loopback = address.is_loopback() ||
                  (address.is_v6() && address.to_v6().is_v4_mapped() &&
                   boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6()).is_loopback());
  return Status::Ok();
}

Status check_listener_settings(const ListenerSettings& s) {
  BindAddress bind;
  if (Status status = parse_bind_address(s.bind, &bind); !status.ok()) return status;
  const std::string where = "listener " + s.bind + ": ";
  if (s.certificate_file.empty() != s.private_key_file.empty()) {
    return Status::InvalidArgument(where + "HTTPS needs both certificate_file and private_key_file (PEM); set both, or neither for plain HTTP");
  }
  if (!s.client_ca_file.empty() && !s.https()) {
    return Status::InvalidArgument(where + "client_ca_file needs HTTPS: set certificate_file and private_key_file too");
  }
  if (!s.https() && !bind.loopback && !s.allow_plain_http) {
    return Status::InvalidArgument(
        where + "plain HTTP on a non-loopback address is refused: set certificate_file and private_key_file for HTTPS, "
                "bind a loopback address (127.0.0.1 or [::1]), or set allow_plain_http when a proxy in front terminates TLS");
  }
  if (s.max_header_bytes == 0 || s.max_body_bytes == 0 || s.max_connections == 0 ||
      s.max_connections_per_address == 0) {
    return Status::InvalidArgument(where + "max_header_bytes, max_body_bytes, max_connections and max_connections_per_address must be above 0");
  }
  if (s.header_timeout.count() <= 0 || s.body_timeout.count() <= 0 || s.idle_timeout.count() <= 0 ||
      s.write_timeout.count() <= 0) {
    return Status::InvalidArgument(where + "header_timeout, body_timeout, idle_timeout and write_timeout must be above 0");
  }
  if (s.worker_threads < 1 || s.worker_threads > 64) {
    return Status::InvalidArgument(where + "worker_threads must be from 1 to 64");
  }
  return Status::Ok();
}

}  // namespace hub::http
