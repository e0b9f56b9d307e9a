// HTTPS listeners with certificates the test makes: the server verified by
// the client, client certificates verified and seen by handlers.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "test_client.h"
#include "test_pki.h"
#include "test_server.h"

namespace hub::http::testing {
namespace {

Router whoami_router() {
  Router router;
  must(router.add_sync("GET", "/whoami", [](const Request& request) {
    return Response::text(200, std::string(request.https ? "https " : "http ") + request.client_certificate_sha256);
  }));
  return router;
}

ListenerSettings https_settings(const TestPki& pki) {
  ListenerSettings settings;
  settings.bind = "127.0.0.1:0";
  settings.certificate_file = pki.server_cert_file;
  settings.private_key_file = pki.server_key_file;
  return settings;
}

TEST_CASE("HTTPS: the client verifies the server against the CA, and HSTS is added") {
  TestPki pki;
  auto server = start_server(https_settings(pki), whoami_router());
  TestClient client;
  REQUIRE(client.connect(server->port(), ClientTls{pki.ca_file, "", ""}) == "");
  auto response = client.request("GET", "/whoami");
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->body == "https ");  // no client certificate asked for
  CHECK(response->header("strict-transport-security") == "max-age=31536000");
  CHECK(client.request("GET", "/whoami")->status == 200);  // keep-alive over TLS

  // A client trusting another CA refuses this server.
  TestClient wary;
  CHECK_THAT(wary.connect(server->port(), ClientTls{pki.other_ca_file, "", ""}), Catch::Contains("TLS handshake"));

  // Plain HTTP to an HTTPS listener gets no answer and is closed.
  TestClient plain;
  REQUIRE(plain.connect(server->port()) == "");
  REQUIRE(plain.write_raw("GET /whoami HTTP/1.1\r\nHost: x\r\n\r\n") == "");
  CHECK_FALSE(plain.read_response());
}

TEST_CASE("HTTPS with client_ca_file: the verified client certificate's fingerprint reaches the handler") {
  TestPki pki;
  ListenerSettings settings = https_settings(pki);
  settings.client_ca_file = pki.ca_file;
  auto server = start_server(settings, whoami_router());

  TestClient client;
  REQUIRE(client.connect(server->port(), ClientTls{pki.ca_file, pki.client_cert_file, pki.client_key_file}) == "");
  auto response = client.request("GET", "/whoami");
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->body == "https " + pki.client_sha256);
  CHECK(pki.client_sha256.size() == 64);
}

TEST_CASE("HTTPS with client_ca_file: no certificate, or one from another CA, is refused") {
  TestPki pki;
  ListenerSettings settings = https_settings(pki);
  settings.client_ca_file = pki.ca_file;
  auto server = start_server(settings, whoami_router());

  // With TLS 1.3 the client may finish its handshake before the server has
  // checked its certificate: the refusal then shows as no answer.
  const auto refused = [&](const ClientTls& tls) {
    TestClient client;
    if (!client.connect(server->port(), tls).empty()) return true;
    if (!client.write_raw("GET /whoami HTTP/1.1\r\nHost: x\r\n\r\n").empty()) return true;
    return !client.read_response().has_value();
  };
  CHECK(refused(ClientTls{pki.ca_file, pki.other_client_cert_file, pki.other_client_key_file}));
  CHECK(refused(ClientTls{pki.ca_file, "", ""}));
  // The listener still serves good clients afterwards.
  TestClient good;
  REQUIRE(good.connect(server->port(), ClientTls{pki.ca_file, pki.client_cert_file, pki.client_key_file}) == "");
  CHECK(good.request("GET", "/whoami")->status == 200);
}

TEST_CASE("HTTPS: a later answer, then more requests on the same connection") {
  // The connection's read while the handler works is cancelled under TLS
  // before the next request is read: the stream must stay usable.
  TestPki pki;
  Router router = whoami_router();
  must(router.add("GET", "/later", [](const Request&, Responder respond) {
    std::thread([respond] {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      respond(Response::text(200, "later"));
    }).detach();
  }));
  auto server = start_server(https_settings(pki), std::move(router));
  TestClient client;
  REQUIRE(client.connect(server->port(), ClientTls{pki.ca_file, "", ""}) == "");
  for (int i = 0; i < 3; ++i) {
    auto later = client.request("GET", "/later");
    REQUIRE(later);
    CHECK(later->body == "later");
    auto now = client.request("GET", "/whoami");
    REQUIRE(now);
    CHECK(now->status == 200);
  }
}

TEST_CASE("HTTPS: half a header then silence is answered 408 after header_timeout") {
  TestPki pki;
  ListenerSettings settings = https_settings(pki);
  settings.header_timeout = std::chrono::seconds(1);
  auto server = start_server(settings, whoami_router());
  TestClient client;
  REQUIRE(client.connect(server->port(), ClientTls{pki.ca_file, "", ""}) == "");
  REQUIRE(client.write_raw("GET /whoami HTTP/1.1\r\nHost: x\r\nX-Slow: ") == "");
  auto response = client.read_response(std::chrono::seconds(5));
  REQUIRE(response);
  CHECK(response->status == 408);
  CHECK(client.closed_within(std::chrono::seconds(5)));
}

TEST_CASE("HTTPS: unusable TLS files make start fail with a clear message") {
  TestPki pki;
  ListenerSettings missing = https_settings(pki);
  missing.certificate_file = pki.server_cert_file + ".missing";
  Server a(missing, Router());
  CHECK_THAT(a.start().message(), Catch::Contains("cannot use certificate_file"));

  ListenerSettings wrong_key = https_settings(pki);
  wrong_key.private_key_file = pki.client_key_file;
  Server b(wrong_key, Router());
  CHECK_THAT(b.start().message(), Catch::Contains("the one certificate_file was issued for"));

  // With a certificate, any address may be bound.
  ListenerSettings any = https_settings(pki);
  any.bind = "0.0.0.0:0";
  Server c(any, Router());
  CHECK(c.start().ok());
}

}  // namespace
}  // namespace hub::http::testing
