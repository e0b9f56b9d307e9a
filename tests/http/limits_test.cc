// The listener's limits, each crossed by a real client over a real socket.
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <memory>
#include <vector>

#include "test_client.h"
#include "test_server.h"

namespace hub::http::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

Router small_router() {
  Router router;
  must(router.add_sync("GET", "/hello", [](const Request&) { return Response::text(200, "hello"); }));
  must(router.add_sync("POST", "/upload", [](const Request& request) {
    return Response::text(200, std::to_string(request.body.size()));
  }));
  RouteOptions tiny;
  tiny.max_body_bytes = 10;
  must(router.add_sync("POST", "/tiny", [](const Request& request) {
    return Response::text(200, std::to_string(request.body.size()));
  }, tiny));
  return router;
}

// Sends `raw` on a new connection and reads the answer (within 5 s); with
// `closed`, also whether the server then closed the connection (within 5 s).
ClientResponse exchange(std::uint16_t port, const std::string& raw, bool* closed = nullptr) {
  TestClient client;
  REQUIRE(client.connect(port) == "");
  REQUIRE(client.write_raw(raw) == "");
  auto response = client.read_response(5s);  // bounded: the test fails, not hangs
  INFO(client.last_error());
  REQUIRE(response);
  if (closed != nullptr) *closed = client.closed_within(5s);
  return *response;
}

TEST_CASE("limits: a header over max_header_bytes gets 431") {
  ListenerSettings settings = loopback_settings();
  settings.max_header_bytes = 1024;
  auto server = start_server(settings, small_router());
  TestClient client;
  REQUIRE(client.connect(server->port()) == "");
  auto fine = client.request("GET", "/hello", {}, "X-Fill: " + std::string(500, 'a') + "\r\n");
  REQUIRE(fine);
  CHECK(fine->status == 200);
  auto response = client.request("GET", "/hello", {}, "X-Fill: " + std::string(2000, 'a') + "\r\n");
  REQUIRE(response);
  CHECK(response->status == 431);
  CHECK(response->body.find(R"("code":"header_too_large")") != std::string::npos);
  CHECK(response->body.find("1024 bytes") != std::string::npos);
  CHECK(client.closed_within(5s));
}

TEST_CASE("limits: a body over the limit gets 413 without being read") {
  ListenerSettings settings = loopback_settings();
  settings.max_body_bytes = 1000;
  auto server = start_server(settings, small_router());

  SECTION("declared by Content-Length: answered before the body is sent") {
    // 100 MB announced, nothing sent: the answer cannot have waited for it.
    bool closed = false;
    const ClientResponse response =
        exchange(server->port(), "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n", &closed);
    CHECK(response.status == 413);
    CHECK(response.body.find(R"("code":"body_too_large")") != std::string::npos);
    CHECK_FALSE(response.keep_alive);
    CHECK(closed);
  }
  SECTION("chunked: cut when it crosses the limit") {
    std::string chunks = "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 3; ++i) chunks += "1f4\r\n" + std::string(500, 'b') + "\r\n";
    CHECK(exchange(server->port(), chunks).status == 413);
  }
  SECTION("a route's lower limit") {
    TestClient client;
    REQUIRE(client.connect(server->port()) == "");
    CHECK(client.request("POST", "/tiny", "0123456789")->status == 200);
    auto response = client.request("POST", "/tiny", "0123456789a");
    REQUIRE(response);
    CHECK(response->status == 413);
    CHECK(response->body.find("10 bytes") != std::string::npos);
  }
  SECTION("at the limit is fine, and Expect: 100-continue is honoured") {
    TestClient client;
    REQUIRE(client.connect(server->port()) == "");
    CHECK(client.request("POST", "/upload", std::string(1000, 'c'))->body == "1000");
    REQUIRE(client.write_raw("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n") == "");
    auto go_on = client.read_response(5s);
    REQUIRE(go_on);
    CHECK(go_on->status == 100);
    REQUIRE(client.write_raw("abc") == "");
    auto response = client.read_response(5s);
    REQUIRE(response);
    CHECK(response->body == "3");
  }
}

TEST_CASE("limits: half a header then silence is answered 408 and closed after header_timeout") {
  ListenerSettings settings = loopback_settings();
  settings.header_timeout = 1s;
  auto server = start_server(settings, small_router());
  const auto begin = Clock::now();
  bool closed = false;
  const ClientResponse response = exchange(server->port(), "GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: ", &closed);
  const auto waited = Clock::now() - begin;
  CHECK(response.status == 408);
  CHECK(response.body.find(R"("code":"timeout")") != std::string::npos);
  CHECK(closed);
  CHECK(waited >= 900ms);
  CHECK(waited < 4s);
}

TEST_CASE("limits: trickling a header byte by byte does not extend header_timeout") {
  ListenerSettings settings = loopback_settings();
  settings.header_timeout = 1s;
  auto server = start_server(settings, small_router());
  TestClient client;
  REQUIRE(client.connect(server->port()) == "");
  const auto begin = Clock::now();
  const std::string header = "GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 's');
  bool closed = false;
  for (char c : header) {
    if (!client.write_raw(std::string(1, c)).empty()) {
      closed = true;
      break;
    }
    if (client.closed_within(20ms)) {  // also paces the trickle
      closed = true;
      break;
    }
  }
  CHECK(closed);
  CHECK(Clock::now() - begin < 4s);
}

TEST_CASE("limits: a body that stalls gets 408 after body_timeout") {
  ListenerSettings settings = loopback_settings();
  settings.body_timeout = 1s;
  auto server = start_server(settings, small_router());
  bool closed = false;
  CHECK(exchange(server->port(), "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345", &closed).status ==
        408);
  CHECK(closed);
}

TEST_CASE("limits: a keep-alive connection idle for idle_timeout is closed") {
  ListenerSettings settings = loopback_settings();
  settings.idle_timeout = 500ms;
  auto server = start_server(settings, small_router());
  TestClient client;
  REQUIRE(client.connect(server->port()) == "");
  REQUIRE(client.request("GET", "/hello")->status == 200);
  const auto begin = Clock::now();
  CHECK(client.closed_within(5s));
  CHECK(Clock::now() - begin >= 400ms);
}

TEST_CASE("limits: connections beyond max_connections_per_address get 503 and are closed") {
  ListenerSettings settings = loopback_settings();
  settings.max_connections_per_address = 3;
  auto server = start_server(settings, small_router());
  std::vector<std::unique_ptr<TestClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<TestClient>());
    REQUIRE(held.back()->connect(server->port()) == "");
    REQUIRE(held.back()->request("GET", "/hello")->status == 200);  // accepted and counted
  }
  TestClient extra;
  REQUIRE(extra.connect(server->port()) == "");
  auto response = extra.read_response(5s);  // answered without asking
  REQUIRE(response);
  CHECK(response->status == 503);
  CHECK(response->body.find(R"("code":"too_many_connections")") != std::string::npos);
  CHECK(response->body.find("max_connections_per_address") != std::string::npos);
  CHECK(extra.closed_within(5s));

  // One closes: its place is free again once the server has seen it go.
  held.pop_back();
  CHECK(served_within(server->port(), "/hello", std::chrono::seconds(5)));
}

TEST_CASE("limits: connections beyond max_connections get 503") {
  ListenerSettings settings = loopback_settings();
  settings.max_connections = 2;
  auto server = start_server(settings, small_router());
  TestClient a;
  TestClient b;
  REQUIRE(a.connect(server->port()) == "");
  REQUIRE(a.request("GET", "/hello")->status == 200);
  REQUIRE(b.connect(server->port()) == "");
  REQUIRE(b.request("GET", "/hello")->status == 200);
  TestClient c;
  REQUIRE(c.connect(server->port()) == "");
  auto response = c.read_response(5s);
  REQUIRE(response);
  CHECK(response->status == 503);
  CHECK(response->body.find("(max_connections)") != std::string::npos);
}

}  // namespace
}  // namespace hub::http::testing

namespace hub::http::testing {
namespace {

TEST_CASE("a route may take larger bodies than its listener, and bounds how many of its requests are in flight") {
  std::mutex mu;
  std::condition_variable arrived;
  std::vector<Responder> held;  // answered at the end: the route's places stay taken until then
  Router router;
  RouteOptions uploads;
  uploads.max_body_bytes = 4000;  // above the listener's 1000
  uploads.max_in_flight = 2;
  must(router.add("POST", "/big", [&](const Request& request, Responder respond) {
    std::lock_guard lock(mu);
    if (request.body.size() == 1) return void(respond(Response::text(200, "quick")));
    held.push_back(std::move(respond));
    arrived.notify_all();
  }, uploads));
  ListenerSettings settings = loopback_settings();
  settings.max_body_bytes = 1000;
  auto server = start_server(settings, std::move(router));
  const std::string body(3000, 'b');
  const std::string request = "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n\r\n" + body;

  // Two take the route's places and wait; a third is answered 503 busy before its body is read.
  std::vector<std::unique_ptr<TestClient>> waiting;
  for (int i = 0; i < 2; ++i) {
    waiting.push_back(std::make_unique<TestClient>());
    REQUIRE(waiting.back()->connect(server->port()) == "");
    REQUIRE(waiting.back()->write_raw(request) == "");
  }
  {
    std::unique_lock lock(mu);
    REQUIRE(arrived.wait_for(lock, 5s, [&] { return held.size() == 2; }));
  }
  bool closed = false;
  const ClientResponse busy = exchange(server->port(), request, &closed);
  CHECK(busy.status == 503);
  CHECK(busy.header("retry-after") == "1");
  CHECK(busy.body.find("\"code\":\"busy\"") != std::string::npos);
  CHECK(closed);

  // Answered, the places are free again; the larger body limit holds and is enforced.
  {
    std::lock_guard lock(mu);
    for (auto& respond : held) respond(Response::text(200, "done"));
    held.clear();
  }
  for (auto& client : waiting) {
    const auto done = client->read_response(5s);
    REQUIRE(done);
    CHECK(done->status == 200);
  }
  CHECK(exchange(server->port(), "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nq").status == 200);
  CHECK(exchange(server->port(), "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 4001\r\n\r\n").status == 413);
}

}  // namespace
}  // namespace hub::http::testing
