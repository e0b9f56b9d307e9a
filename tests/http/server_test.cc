// The server's requests, routing, keep-alive and asynchronous answers.
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "test_client.h"
#include "test_server.h"

namespace hub::http::testing {
namespace {

Router echo_router() {
  Router router;
  must(router.add_sync("GET", "/hello", [](const Request&) { return Response::text(200, "hello"); }));
  must(router.add_sync("POST", "/echo", [](const Request& request) {
    return Response::json(200, nlohmann::json{{"body", request.body}, {"id", request.id}}.dump());
  }));
  must(router.add_sync("GET", "/v1/cases/{id}/replies/{reply}", [](const Request& request) {
    return Response::text(200, std::string(request.param("id")) + "|" + std::string(request.param("reply")));
  }));
  must(router.add_sync("PUT", "/v1/cases/{id}/replies/{reply}", [](const Request&) { return Response::text(204, ""); }));
  must(router.add_sync("GET", "/static/*", [](const Request& request) {
    return Response::text(200, std::string(request.param("*")));
  }));
  must(router.add_sync("GET", "/query", [](const Request& request) {
    std::vector<std::pair<std::string, std::string>> pairs;
    if (!parse_query(request.query, &pairs).ok()) return Response::error(400, "bad_query", "bad query");
    std::string out;
    for (const auto& [name, value] : pairs) out += name + "=" + value + ";";
    return Response::text(200, out + "|" + request.decoded_path());
  }));
  return router;
}

TEST_CASE("a request is answered, with the security headers by default") {
  auto server = start_server(loopback_settings(), echo_router());
  TestClient client;
  REQUIRE(client.connect(server->port()) == "");
  auto response = client.request("GET", "/hello");
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->body == "hello");
  CHECK(response->header("x-content-type-options") == "nosniff");
  CHECK(response->header("cache-control") == "no-store");
  CHECK(response->header("strict-transport-security").empty());  // plain HTTP
  CHECK(response->header("content-type") == "text/plain; charset=utf-8");
}

TEST_CASE("keep-alive: many requests on one connection, each with its own id") {
  auto server = start_server(loopback_settings(), echo_router());
  TestClient client;
  REQUIRE(client.connect(server->port()) == "");
  std::uint64_t last_id = 0;
  for (int i = 0; i < 200; ++i) {
    auto response = client.request("POST", "/echo", "n" + std::to_string(i));
    REQUIRE(response);
    REQUIRE(response->status == 200);
    REQUIRE(response->keep_alive);
    REQUIRE(response->body.find("\"body\":\"n" + std::to_string(i) + "\"") != std::string::npos);
    const auto at = response->body.find("\"id\":");
    const std::uint64_t id = std::stoull(response->body.substr(at + 5));
    REQUIRE(id > last_id);
    last_id = id;
  }
}

TEST_CASE("HEAD, when routed, answers the length without the body, and a 1xx answer becomes 500") {
  Router router;
  must(router.add_sync("HEAD", "/doc", [](const Request&) { return Response::text(200, "twelve bytes"); }));
  must(router.add_sync("GET", "/doc", [](const Request&) { return Response::text(200, "twelve bytes"); }));
  must(router.add_sync("GET", "/odd", [](const Request&) { return Response::text(101, ""); }));
  auto server = start_server(loopback_settings(), std::move(router));
  TestClient client;
  REQUIRE(client.connect(server->port()) == "");
  auto head = client.request("HEAD", "/doc");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->header("content-length") == "12");
  CHECK(head->body.empty());
  auto get = client.request("GET", "/doc");  // the connection is still in step
  REQUIRE(get);
  CHECK(get->body == "twelve bytes");
  CHECK(client.request("GET", "/odd")->status == 500);
}

TEST_CASE("pipelined requests are answered in order") {
  auto server = start_server(loopback_settings(), echo_router());
  TestClient client;
  REQUIRE(client.connect(server->port()) == "");
  REQUIRE(client.write_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\na"
                           "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nb") == "");
  auto first = client.read_response();
  auto second = client.read_response();
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->body.find("\"body\":\"a\"") != std::string::npos);
  CHECK(second->body.find("\"body\":\"b\"") != std::string::npos);
}

TEST_CASE("router: 404, 405 with Allow, path parameters, prefix routes") {
  auto server = start_server(loopback_settings(), echo_router());
  TestClient client;
  REQUIRE(client.connect(server->port()) == "");

  auto missing = client.request("GET", "/nothing/here");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(missing->header("content-type") == "application/json");
  CHECK(missing->body.find(R"({"error":{"code":"not_found","message":)") == 0);
  CHECK(missing->keep_alive);

  auto wrong_method = client.request("DELETE", "/v1/cases/c-1/replies/r-2");
  REQUIRE(wrong_method);
  CHECK(wrong_method->status == 405);
  CHECK(wrong_method->header("allow") == "GET, PUT");

  auto params = client.request("GET", "/v1/cases/c%2F1/replies/r-2");
  REQUIRE(params);
  CHECK(params->status == 200);
  CHECK(params->body == "c/1|r-2");  // %2F stays inside its segment

  CHECK(client.request("GET", "/v1/cases/c-1/replies")->status == 404);
  CHECK(client.request("GET", "/v1/cases/c-1/replies/r/extra")->status == 404);

  auto prefix = client.request("GET", "/static/css/site%20a.css");
  REQUIRE(prefix);
  CHECK(prefix->body == "css/site a.css");
  CHECK(client.request("GET", "/static")->status == 404);

  auto query = client.request("GET", "/query?b=2&a=x+y&a=%41");
  REQUIRE(query);
  CHECK(query->body == "a=A;a=x y;b=2;|/query");
}

TEST_CASE("bad paths are refused with 400 before any handler") {
  auto server = start_server(loopback_settings(), echo_router());
  for (const char* target : {"/static/../secret", "/static/%zz", "/static/a%00b", "/static/./a", "*"}) {
    TestClient client;
    REQUIRE(client.connect(server->port()) == "");
    auto response = client.request("GET", target);
    INFO(target);
    REQUIRE(response);
    CHECK(response->status == 400);
    CHECK(response->body.find("\"code\":\"bad_path\"") != std::string::npos);
  }
}

TEST_CASE("a malformed request gets 400 and the connection is closed") {
  auto server = start_server(loopback_settings(), echo_router());
  TestClient client;
  REQUIRE(client.connect(server->port()) == "");
  REQUIRE(client.write_raw("GET /hello HTTP/1.1\r\nHost x\r\n\r\n") == "");
  auto response = client.read_response();
  REQUIRE(response);
  CHECK(response->status == 400);
  CHECK(response->body.find("\"code\":\"bad_request\"") != std::string::npos);
  CHECK(client.closed_within(std::chrono::seconds(5)));
}

TEST_CASE("an answer from another thread after a delay") {
  std::vector<std::thread> workers;
  std::mutex mu;
  Router router;
  must(router.add("GET", "/later", [&](const Request& request, Responder respond) {
    std::lock_guard lock(mu);
    workers.emplace_back([respond, id = request.id] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      CHECK(respond(Response::text(200, "later " + std::to_string(id))));
      CHECK_FALSE(respond(Response::text(200, "twice")));  // the first answer wins
    });
  }));
  auto server = start_server(loopback_settings(), std::move(router));
  TestClient client;
  REQUIRE(client.connect(server->port()) == "");
  const auto begin = std::chrono::steady_clock::now();
  auto response = client.request("GET", "/later");
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->body.rfind("later ", 0) == 0);
  CHECK(std::chrono::steady_clock::now() - begin >= std::chrono::milliseconds(200));
  // The connection is still usable.
  auto again = client.request("GET", "/later");
  REQUIRE(again);
  CHECK(again->status == 200);
  std::lock_guard lock(mu);
  for (auto& worker : workers) worker.join();
}

TEST_CASE("a handler that drops its responder: 500 and the connection is closed") {
  Router router;
  must(router.add("GET", "/forget", [](const Request&, Responder) {}));
  must(router.add("GET", "/throw", [](const Request&, Responder) { throw std::runtime_error("boom"); }));
  auto server = start_server(loopback_settings(), std::move(router));
  for (const char* target : {"/forget", "/throw"}) {
    TestClient client;
    REQUIRE(client.connect(server->port()) == "");
    auto response = client.request("GET", target);
    INFO(target);
    REQUIRE(response);
    CHECK(response->status == 500);
    CHECK(response->body.find("\"code\":\"internal\"") != std::string::npos);
    CHECK_FALSE(response->keep_alive);
    CHECK(client.closed_within(std::chrono::seconds(5)));
  }
}

TEST_CASE("stop() with requests waiting for an answer returns promptly, and later answers are no-ops") {
  std::mutex mu;
  std::vector<Responder> held;
  std::condition_variable arrived;
  Router router;
  must(router.add("GET", "/poll", [&](const Request&, Responder respond) {
    std::lock_guard lock(mu);
    held.push_back(std::move(respond));
    arrived.notify_all();
  }));
  auto server = start_server(loopback_settings(), std::move(router));
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(std::make_unique<TestClient>());
    REQUIRE(clients.back()->connect(server->port()) == "");
    REQUIRE(clients.back()->write_raw("GET /poll HTTP/1.1\r\nHost: x\r\n\r\n") == "");
  }
  {
    std::unique_lock lock(mu);
    REQUIRE(arrived.wait_for(lock, std::chrono::seconds(10), [&] { return held.size() == 5; }));
  }
  const auto begin = std::chrono::steady_clock::now();
  server->stop();
  server->stop();  // idempotent
  CHECK(std::chrono::steady_clock::now() - begin < std::chrono::seconds(2));
  for (auto& client : clients) CHECK(client->closed_within(std::chrono::seconds(5)));
  std::lock_guard lock(mu);
  CHECK(held[0](Response::text(200, "too late")));  // the first call, sent nowhere
  server.reset();
  held.clear();  // dropping the rest after the server is gone is harmless too
}

TEST_CASE("a client gone while its request waits frees its place at once, and the late answer is a no-op") {
  std::mutex mu;
  std::vector<Responder> held;
  Router router;
  must(router.add("GET", "/poll", [&](const Request&, Responder respond) {
    std::lock_guard lock(mu);
    held.push_back(std::move(respond));
  }));
  must(router.add_sync("GET", "/hello", [](const Request&) { return Response::text(200, "hello"); }));
  ListenerSettings settings = loopback_settings();
  settings.max_connections_per_address = 1;
  auto server = start_server(settings, std::move(router));
  {
    TestClient poller;
    REQUIRE(poller.connect(server->port()) == "");
    REQUIRE(poller.write_raw("GET /poll HTTP/1.1\r\nHost: x\r\n\r\n") == "");
    CHECK_FALSE(poller.read_response(std::chrono::milliseconds(200)));  // waiting for the handler
  }  // the poller goes away
  // Its one place is free again although its request is still unanswered.
  CHECK(served_within(server->port(), "/hello", std::chrono::seconds(5)));
  std::lock_guard lock(mu);
  REQUIRE(held.size() == 1);
  CHECK(held[0](Response::text(200, "too late")));  // answered, sent nowhere
}

TEST_CASE("an answer written while the client pipelines its next request") {
  Router router;
  must(router.add("GET", "/slow", [](const Request&, Responder respond) {
    std::thread([respond] {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      respond(Response::text(200, "slow"));
    }).detach();
  }));
  must(router.add_sync("GET", "/hello", [](const Request&) { return Response::text(200, "hello"); }));
  auto server = start_server(loopback_settings(), std::move(router));
  TestClient client;
  REQUIRE(client.connect(server->port()) == "");
  REQUIRE(client.write_raw("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n") == "");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the next request arrives while the first waits
  REQUIRE(client.write_raw("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n") == "");
  auto first = client.read_response();
  auto second = client.read_response();
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->body == "slow");
  CHECK(second->body == "hello");
  CHECK(client.request("GET", "/hello")->body == "hello");
}

TEST_CASE("plain HTTP: refused on a non-loopback address unless allowed, allowed on loopback") {
  ListenerSettings settings;
  settings.bind = "0.0.0.0:0";
  Server refused(settings, Router());
  const Status status = refused.start();
  CHECK(status.code() == StatusCode::kInvalidArgument);
  CHECK_THAT(status.message(), Catch::Contains("plain HTTP on a non-loopback address is refused"));
  CHECK_THAT(status.message(), Catch::Contains("certificate_file"));
  CHECK_THAT(status.message(), Catch::Contains("allow_plain_http"));

  settings.allow_plain_http = true;
  Server allowed(settings, Router());
  CHECK(allowed.start().ok());

  for (const char* bind : {"127.0.0.1:0", "[::1]:0"}) {
    ListenerSettings loopback;
    loopback.bind = bind;
    BindAddress address;
    REQUIRE(parse_bind_address(bind, &address).ok());
    CHECK(address.loopback);
    CHECK(check_listener_settings(loopback).ok());
  }
}

TEST_CASE("bind addresses and settings are checked with messages that say what to do") {
  BindAddress address;
  CHECK(parse_bind_address("127.0.0.1:8443", &address).ok());
  CHECK(address.port == 8443);
  CHECK(parse_bind_address("[::1]:0", &address).ok());
  CHECK(address.host == "::1");
  CHECK_THAT(parse_bind_address("localhost:80", &address).message(), Catch::Contains("not an IP address"));
  CHECK_THAT(parse_bind_address("127.0.0.1", &address).message(), Catch::Contains("no port"));
  CHECK_THAT(parse_bind_address("::1:80", &address).message(), Catch::Contains("brackets"));
  CHECK_FALSE(parse_bind_address("127.0.0.1:65536", &address).ok());

  ListenerSettings half_tls = loopback_settings();
  half_tls.certificate_file = "cert.pem";
  CHECK_THAT(check_listener_settings(half_tls).message(), Catch::Contains("both certificate_file and private_key_file"));
  ListenerSettings ca_only = loopback_settings();
  ca_only.client_ca_file = "ca.pem";
  CHECK_THAT(check_listener_settings(ca_only).message(), Catch::Contains("client_ca_file needs HTTPS"));

  Server a(loopback_settings(), Router());
  REQUIRE(a.start().ok());
  ListenerSettings same = loopback_settings();
  same.bind = "127.0.0.1:" + std::to_string(a.port());
  Server b(same, Router());
  CHECK_THAT(b.start().message(), Catch::Contains("cannot listen"));
}

TEST_CASE("router patterns are checked") {
  Router router;
  const Handler handler = [](const Request&, Responder) {};
  CHECK(router.add("GET", "/a/{id}/b", handler).ok());
  CHECK(router.add("GET", "/files/*", handler).ok());
  CHECK_FALSE(router.add("GET", "a/b", handler).ok());
  CHECK_FALSE(router.add("GET", "/a/*/b", handler).ok());
  CHECK_FALSE(router.add("GET", "/a/x{id}", handler).ok());
  CHECK_FALSE(router.add("GET", "/a/{i}d}", handler).ok());
  CHECK_FALSE(router.add("", "/a", handler).ok());
}

}  // namespace
}  // namespace hub::http::testing
