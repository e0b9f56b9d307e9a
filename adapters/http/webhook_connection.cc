#include "webhook_connection.h"

#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace hub::http_adapter {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kLargestAnswer = 64 * 1024;

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

struct WebhookConnection::Impl {
  explicit Impl(const WebhookSettings& w) : webhook(w), tls_context(asio::ssl::context::tls_client) {}

  const WebhookSettings& webhook;
  asio::io_context io;
  asio::ssl::context tls_context;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  std::string context_error;  // set when the TLS context could not be made

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  bool open() const { return plain.has_value() || tls.has_value(); }

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
    return Status::Unavailable(std::string(step) + " " + webhook.url + ": " + ec.message());
  }

  Status connect() {
    if (!context_error.empty()) return Status::Unavailable(context_error);
    boost::system::error_code ec;
    tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(webhook.where.host, std::to_string(webhook.where.port), ec);
    if (ec) return fail("resolving the host of", ec);
    if (webhook.where.https) {
      tls.emplace(io, tls_context);
      if (!is_ip_literal(webhook.where.host))
        SSL_set_tlsext_host_name(tls->native_handle(), webhook.where.host.c_str());
      tls->set_verify_callback(asio::ssl::host_name_verification(webhook.where.host));
    } else {
      plain.emplace(io);
    }
    lowest().expires_after(webhook.timeout);
    lowest().async_connect(endpoints, [&ec](const boost::system::error_code& e, const tcp::endpoint&) { ec = e; });
    run();
    if (ec) return fail("connecting to", ec);
    if (tls) {
      lowest().expires_after(webhook.timeout);
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

WebhookConnection::WebhookConnection(const WebhookSettings& webhook) : impl_(std::make_unique<Impl>(webhook)) {
  boost::system::error_code ec;
  impl_->tls_context.set_verify_mode(asio::ssl::verify_peer, ec);
  if (!ec) {
    if (webhook.ca_file.empty()) impl_->tls_context.set_default_verify_paths(ec);
    else impl_->tls_context.load_verify_file(webhook.ca_file, ec);
  }
  if (ec) impl_->context_error = "the trust for " + webhook.url + " (ca_file " + webhook.ca_file + "): " + ec.message();
}

WebhookConnection::~WebhookConnection() { impl_->close(); }

Status WebhookConnection::post(const std::string& body,
                               const std::vector<std::pair<std::string, std::string>>& headers, int* status) {
  // A kept connection may have been closed by the receiver meanwhile: then
  // the push is tried once more on a new one.
  const bool reused = impl_->open();
  Status first = attempt(body, headers, status);
  if (first.ok() || !reused) return first;
  return attempt(body, headers, status);
}

Status WebhookConnection::attempt(const std::string& body,
                                  const std::vector<std::pair<std::string, std::string>>& headers, int* status) {
  Impl& c = *impl_;
  if (!c.open()) {
    if (Status s = c.connect(); !s.ok()) return s;
  }
  bhttp::request<bhttp::string_body> request{bhttp::verb::post, c.webhook.where.target, 11};
  request.set(bhttp::field::host, c.webhook.where.host);
  request.set(bhttp::field::content_type, "application/json");
  request.set(bhttp::field::user_agent, "xinhui-hub");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();

  boost::system::error_code ec;
  c.lowest().expires_after(c.webhook.timeout);
  c.write(request, ec);
  c.run();
  if (ec) return c.fail("sending to", ec);

  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(kLargestAnswer);
  c.lowest().expires_after(c.webhook.timeout);
  c.read(parser, ec);
  c.run();
  if (ec) return c.fail("reading the answer of", ec);
  const auto& response = parser.get();
  *status = static_cast<int>(response.result_int());
  if (!response.keep_alive()) c.close();
  return {};
}

}  // namespace hub::http_adapter
