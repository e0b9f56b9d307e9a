#include "test_client.h"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <optional>

#include "loopback_port.h"

namespace hub::http::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

struct TestClient::Impl {
  net::io_context io;
  net::ssl::context tls_context{net::ssl::context::tls_client};
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream;  // made by connect
  bool tls = false;
  beast::flat_buffer buffer;

  // Runs the asynchronous operation `start` (given a completion handler) for
  // at most `wait`; the error (timed_out when it did not finish).
  template <class Start>
  beast::error_code run(Start start, TestClient::Duration wait) {
    beast::error_code result;
    bool done = false;
    start([&](beast::error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    io.restart();
    io.run_for(wait);
    if (!done) {
      beast::get_lowest_layer(*stream).socket().cancel();
      io.restart();
      io.run();
      return net::error::timed_out;
    }
    return result;
  }

  // Calls `f` with the stream to use: the TLS stream or the TCP one.
  template <class F>
  auto with_stream(F f) {
    if (tls) return f(*stream);
    return f(stream->next_layer());
  }
};

TestClient::TestClient() : impl_(std::make_unique<Impl>()) {}
TestClient::~TestClient() = default;

std::string TestClient::connect(std::uint16_t port, const std::optional<ClientTls>& tls) {
  Impl& d = *impl_;
  beast::error_code ec;
  if (tls) {
    d.tls = true;
    d.tls_context.load_verify_file(tls->ca_file, ec);
    if (!ec && !tls->cert_file.empty()) d.tls_context.use_certificate_chain_file(tls->cert_file, ec);
    if (!ec && !tls->key_file.empty()) d.tls_context.use_private_key_file(tls->key_file, net::ssl::context::pem, ec);
    if (ec) return last_error_ = "client TLS files: " + ec.message();
  }
  d.stream.emplace(d.io, d.tls_context);
  if (tls) {
    d.stream->set_verify_mode(net::ssl::verify_peer);
    d.stream->set_verify_callback(net::ssl::host_name_verification("127.0.0.1"));
  }
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  ec = d.run([&](auto handler) { beast::get_lowest_layer(*d.stream).async_connect(endpoint, handler); }, kWait);
  if (ec) return last_error_ = "connect: " + ec.message();
  if (tls) {
    ec = d.run([&](auto handler) { d.stream->async_handshake(net::ssl::stream_base::client, handler); }, kWait);
    if (ec) return last_error_ = "TLS handshake: " + ec.message();
  }
  return {};
}

std::string TestClient::write_raw(std::string_view bytes) {
  Impl& d = *impl_;
  const auto ec = d.with_stream([&](auto& stream) {
    return d.run([&](auto handler) { net::async_write(stream, net::buffer(bytes.data(), bytes.size()), handler); },
                 kWait);
  });
  if (ec) return last_error_ = "write: " + ec.message();
  return {};
}

std::optional<ClientResponse> TestClient::read_response(Duration wait) {
  Impl& d = *impl_;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  parser.skip(head_);
  head_ = false;
  const auto ec = d.with_stream(
      [&](auto& stream) { return d.run([&](auto handler) { bhttp::async_read(stream, d.buffer, parser, handler); }, wait); });
  if (ec) {
    last_error_ = "read: " + ec.message();
    return std::nullopt;
  }
  auto& message = parser.get();
  ClientResponse response;
  response.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    response.headers[name] = std::string(field.value());
  }
  response.body = message.body();
  response.keep_alive = message.keep_alive();
  return response;
}

std::optional<ClientResponse> TestClient::request(std::string_view method, std::string_view target,
                                                  std::string_view body, std::string_view extra_headers) {
  std::string text = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  text += std::string(extra_headers);
  text += "\r\n";
  text += std::string(body);
  if (!write_raw(text).empty()) return std::nullopt;
  head_ = method == "HEAD";
  return read_response();
}

bool TestClient::closed_within(Duration wait) {
  Impl& d = *impl_;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  char scratch[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<Duration>(deadline - std::chrono::steady_clock::now());
    const auto ec = d.with_stream([&](auto& stream) {
      return d.run([&](auto handler) { stream.async_read_some(net::buffer(scratch), handler); }, left);
    });
    if (ec == net::error::timed_out) return false;
    if (ec) return true;  // end of stream, reset, or a TLS alert: closed
  }
  return false;
}

bool served_within(std::uint16_t port, std::string_view target, TestClient::Duration wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < deadline) {
    TestClient client;
    if (!client.connect(port).empty()) continue;
    auto answer = client.request("GET", target);
    if (answer && answer->status == 200) return true;
  }
  return false;
}

std::uint16_t free_loopback_port() {
  const std::uint16_t port = hub::testing::unused_loopback_port();
  REQUIRE(port != 0);
  return port;
}

}  // namespace hub::http::testing
