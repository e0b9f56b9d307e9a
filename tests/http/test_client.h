// test_client.h: a blocking HTTP/1.1 client for the tests, plain or TLS, that
// can also send raw bytes and stall. Every operation has a bounded wait, so a
// test fails instead of hanging. One thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace hub::http::testing {

struct ClientTls {
  std::string ca_file;  // verify the server against this CA (and its name 127.0.0.1)
  std::string cert_file;  // client certificate, optional
  std::string key_file;
};

struct ClientResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  bool keep_alive = false;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class TestClient {
 public:
  using Duration = std::chrono::milliseconds;
  static constexpr Duration kWait{std::chrono::seconds(10)};

  TestClient();
  ~TestClient();

  // Connects to 127.0.0.1:port (and does the TLS handshake with `tls`); the
  // error text, "" on success.
  std::string connect(std::uint16_t port, const std::optional<ClientTls>& tls = std::nullopt);
  // Writes bytes as they are; the error text, "" on success.
  std::string write_raw(std::string_view bytes);
  // Reads one response (without a body after a HEAD sent by request());
  // nullopt when the connection closed or failed first,
  // with the reason in last_error().
  std::optional<ClientResponse> read_response(Duration wait = kWait);
  // Sends a request (Host and Content-Length added) and reads the answer.
  std::optional<ClientResponse> request(std::string_view method, std::string_view target, std::string_view body = {},
                                        std::string_view extra_headers = {});
  // Reads until the server closes the connection; true when it did within `wait`.
  bool closed_within(Duration wait);
  const std::string& last_error() const { return last_error_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string last_error_;
  bool head_ = false;  // the last request() was HEAD
};

// A loopback port nobody listens on now (for a listener whose settings need
// a port before it starts).
std::uint16_t free_loopback_port();

// Connects again and again until a GET of `target` on 127.0.0.1:port is
// answered 200 (a connection place the server frees asynchronously); false
// when none was within `wait`.
bool served_within(std::uint16_t port, std::string_view target, TestClient::Duration wait);

}  // namespace hub::http::testing
