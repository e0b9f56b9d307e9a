#include "http/client_connection.h"

#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace hub::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

struct ClientConnection::Impl {
  explicit Impl(ClientSettings s) : settings(std::move(s)), tls_context(asio::ssl::context::tls_client) {}

  const ClientSettings settings;
  asio::io_context io;
  asio::ssl::context tls_context;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  std::string context_error;  // set when the TLS context could not be made

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  bool is_open() const { return plain.has_value() || tls.has_value(); }

  std::string origin() const {
    return (settings.https ? "https://" : "http://") + settings.host + ":" + std::to_string(settings.port);
  }

  void close() {
    boost::system::error_code ignored;
    if (tls) beast::get_lowest_layer(*tls).socket().close(ignored);
    if (plain) plain->socket().close(ignored);
    tls.reset();
    plain.reset();
    buffer.clear();
  }

  // Runs the started operation to its end (the stream's expiry bounds it).
  void run() {
    io.restart();
    io.run();
  }

  Status fail(const char* step, const boost::system::error_code& ec) {
    close();
    return Status::Unavailable(std::string(step) + " " + origin() + ": " + ec.message());
  }

  Status connect() {
    if (!context_error.empty()) return Status::Unavailable(context_error);
    boost::system::error_code ec;
    tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(settings.host, std::to_string(settings.port), ec);
    if (ec) return fail("resolving the host of", ec);
    if (settings.https) {
      tls.emplace(io, tls_context);
      if (!is_ip_literal(settings.host)) SSL_set_tlsext_host_name(tls->native_handle(), settings.host.c_str());
      tls->set_verify_callback(asio::ssl::host_name_verification(settings.host));
    } else {
      plain.emplace(io);
    }
    lowest().expires_after(settings.timeout);
    lowest().async_connect(endpoints, [&ec](const boost::system::error_code& e, const tcp::endpoint&) { ec = e; });
    run();
    if (ec) return fail("connecting to", ec);
    // A request is written whole, often as several TLS records: without this the
    // last one waits for the peer's delayed ACK (about 40 ms on Linux).
    lowest().socket().set_option(tcp::no_delay(true), ec);
    if (tls) {
      lowest().expires_after(settings.timeout);
      tls->async_handshake(asio::ssl::stream_base::client, [&ec](const boost::system::error_code& e) { ec = e; });
      run();
      if (ec) return fail("TLS handshake with", ec);
    }
    return {};
  }

  template <typename Message>
  void write(Message& m, boost::system::error_code& ec) {
    const auto done = [&ec](const boost::system::error_code& e, std::size_t) { ec = e; };
    if (tls) bhttp::async_write(*tls, m, done);
    else bhttp::async_write(*plain, m, done);
  }

  template <typename Parser>
  void read(Parser& p, boost::system::error_code& ec) {
    const auto done = [&ec](const boost::system::error_code& e, std::size_t) { ec = e; };
    if (tls) bhttp::async_read(*tls, buffer, p, done);
    else bhttp::async_read(*plain, buffer, p, done);
  }
};

ClientConnection::ClientConnection(ClientSettings settings) : impl_(std::make_unique<Impl>(std::move(settings))) {
  const ClientSettings& s = impl_->settings;
  if (!s.https) return;
  boost::system::error_code ec;
  impl_->tls_context.set_verify_mode(asio::ssl::verify_peer, ec);
  if (!ec) {
    if (s.ca_file.empty()) impl_->tls_context.set_default_verify_paths(ec);
    else impl_->tls_context.load_verify_file(s.ca_file, ec);
  }
  if (ec) impl_->context_error = "the trust for " + impl_->origin() + " (ca_file " + s.ca_file + "): " + ec.message();
}

ClientConnection::~ClientConnection() { impl_->close(); }

std::string ClientConnection::origin() const { return impl_->origin(); }

Status ClientConnection::open() { return impl_->is_open() ? Status() : impl_->connect(); }

Status ClientConnection::request(std::string_view method, const std::string& target, const std::string& body,
                                 const ClientHeaders& headers, ClientAnswer* answer) {
  const bool reused = impl_->is_open();
  Status first = attempt(method, target, body, headers, answer);
  if (first.ok() || !reused) return first;
  return attempt(method, target, body, headers, answer);
}

Status ClientConnection::attempt(std::string_view method, const std::string& target, const std::string& body,
                                 const ClientHeaders& headers, ClientAnswer* answer) {
  Impl& c = *impl_;
  if (!c.is_open()) {
    if (Status s = c.connect(); !s.ok()) return s;
  }
  bhttp::request<bhttp::string_body> request;
  request.method_string(beast::string_view(method.data(), method.size()));
  request.target(target);
  request.version(11);
  request.set(bhttp::field::host, c.settings.host);
  request.set(bhttp::field::user_agent, c.settings.user_agent);
  if (!body.empty()) request.set(bhttp::field::content_type, "application/json");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();

  boost::system::error_code ec;
  c.lowest().expires_after(c.settings.timeout);
  c.write(request, ec);
  c.run();
  if (ec) return c.fail("sending to", ec);

  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(c.settings.answer_limit);
  c.lowest().expires_after(c.settings.timeout);
  c.read(parser, ec);
  c.run();
  if (ec) return c.fail("reading the answer of", ec);
  auto& response = parser.get();
  answer->status = static_cast<int>(response.result_int());
  answer->body = std::move(response.body());
  const auto retry = response.find(bhttp::field::retry_after);
  answer->retry_after = retry == response.end() ? std::string() : std::string(retry->value());
  if (!response.keep_alive()) c.close();
  return {};
}

}  // namespace hub::http
