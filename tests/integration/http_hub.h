// tests/integration/http_hub.h: hubd with the http adapter on real TLS, and
// what a unit's system does to call it (signed requests, long polls). Shared
// by the HTTP end-to-end tests.
#pragma once

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "ops/operator_client.h"
#include "request_signature.h"
#include "test_client.h"
#include "test_hub.h"
#include "test_pki.h"
#include "webhook_receiver.h"

namespace hub::testing::http_e2e {

using hub::Json;
using hub::http::testing::ClientResponse;
using hub::http::testing::ClientTls;
using hub::http::testing::TestClient;
using hub::http::testing::TestPki;
using hub::http::testing::WebhookReceiver;
using namespace std::chrono_literals;

using Clock = std::chrono::steady_clock;
inline constexpr auto kPatience = 10s;

inline const char* const kHttpUnits = R"(
units:
  - {id: test.web, name: 网络测试单位, adapter: http, may_send: [test.faulty]}
  - {id: test.pushed, name: 推送测试单位, adapter: [http]}
  - {id: test.webflood, name: 超额网络单位, adapter: [zmq, http], may_send: [test.faulty],
     quota: {messages_per_second: 1, burst_messages: 3}}
routes:
  - {id: web_out, match: {type: test.faulty, origin: [test.web, test.webflood]}, to: [test.receiver]}
  - {id: sender_to_web, match: {type: test.routed, origin: [test.sender]}, to: [test.web, test.pushed]}
)";

struct Credential {
  std::string key_id, secret;
};

// hubd with the http adapter on HTTPS, test.pushed on a webhook that takes
// `webhook_batch` messages a push at most.
class HttpHub {
 public:
  explicit HttpHub(int webhook_failures = 0, int webhook_batch = 1)
      : receiver(webhook_failures), port_(hub::http::testing::free_loopback_port()) {
    secret_file_ = write_secret("webhook-secret-of-test-pushed-0123456789");
    DeploymentOptions o;
    o.more_yaml = kHttpUnits;
    o.http_settings = "{listener: {bind: \"127.0.0.1:" + std::to_string(port_) + "\", certificate_file: \"" +
                      pki.server_cert_file + "\", private_key_file: \"" + pki.server_key_file +
                      "\"}, answer_timeout_seconds: 5, webhooks: {test.pushed: {url: \"" + receiver.url() +
                      "\", secret_file: \"" + secret_file_ + "\", batch: " + std::to_string(webhook_batch) + "}}}";
    deployment = std::make_unique<TestDeployment>(o);
    hubd = std::make_unique<HubProcess>(*deployment);
    hubd->start();
  }
  ~HttpHub() { std::remove(secret_file_.c_str()); }

  Json operate(Json request) {
    const hub::ops::OperatorEndpoint socket{deployment->operator_socket(), ""};
    // Bounded, and generous: under a loaded ctest -j2 a 10 s wait was once too short.
    auto answer = hub::ops::ask_operator(socket, request, std::chrono::seconds(30));
    INFO(request.dump() << ": " << (answer.ok() ? std::string("answered") : answer.status().message())
                        << "; hubd's log:\n" << hubd->log());
    REQUIRE(answer.ok());
    INFO(answer->dump());
    REQUIRE((*answer)["ok"] == true);
    return *answer;
  }
  Credential issue(const std::string& unit) {
    const Json answer = operate({{"op", "credential"}, {"action", "issue"}, {"unit", unit}});
    return {answer["key_id"].get<std::string>(), answer["secret"].get<std::string>()};
  }
  void connect(TestClient& client) { REQUIRE(client.connect(port_, ClientTls{pki.ca_file, "", ""}).empty()); }
  std::uint16_t port() const { return port_; }

  TestPki pki;
  WebhookReceiver receiver;
  std::unique_ptr<TestDeployment> deployment;
  std::unique_ptr<HubProcess> hubd;

 private:
  static std::string write_secret(const std::string& secret) {
    std::string pattern = (std::filesystem::temp_directory_path() / "xh-webhook-XXXXXX").string();
    const int fd = ::mkstemp(pattern.data());
    REQUIRE(fd >= 0);
    ::close(fd);
    std::ofstream(pattern) << secret << "\n";
    ::chmod(pattern.c_str(), 0600);
    return pattern;
  }
  std::uint16_t port_;
  std::string secret_file_;
};

inline int nonce_counter = 0;

// What a unit's system sends to sign a request (docs/ADAPTERS.md, "Signing requests").
inline std::string signed_headers(const Credential& c, const std::string& method, const std::string& target,
                                  const std::string& body, std::int64_t timestamp = 0, std::string nonce = "",
                                  const std::string& content_type = "application/json") {
  if (timestamp == 0)
    timestamp = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                    .count();
  // At least 16 characters whatever the pid: the counter has a fixed width.
  if (nonce.empty()) nonce = fmt::format("e2e-nonce-{:08d}-{}", ++nonce_counter, getpid());
  const auto question = target.find('?');
  std::string text;
  REQUIRE(hub::http_adapter::canonical_text(method, target.substr(0, question),
                                            question == std::string::npos ? "" : target.substr(question + 1),
                                            timestamp, nonce, body, &text)
              .ok());
  return "X-XH-Key: " + c.key_id + "\r\nX-XH-Timestamp: " + std::to_string(timestamp) + "\r\nX-XH-Nonce: " + nonce +
         "\r\nX-XH-Signature: " + hub::http_adapter::hmac_sha256_hex(c.secret, text) +
         "\r\nContent-Type: " + content_type + "\r\n";
}

inline ClientResponse call(TestClient& client, const Credential& c, const std::string& method, const std::string& target,
                    const Json& body = nullptr) {
  const std::string text = body.is_null() ? "" : body.dump();
  auto response = client.request(method, target, text, signed_headers(c, method, target, text));
  INFO(method << " " << target << ": " << client.last_error());
  REQUIRE(response);
  return *response;
}

// Polls the unit's inbox until a message of `kind` comes; returns it. On
// failure, hubd's log says what the hub did.
inline Json poll_for(TestClient& client, const Credential& c, const std::string& kind, const HubProcess& hubd) {
  const auto give_up = Clock::now() + kPatience;
  while (Clock::now() < give_up) {
    const ClientResponse r = call(client, c, "GET", "/v1/inbox?wait=2");
    REQUIRE(r.status == 200);
    const Json answer = Json::parse(r.body);
    for (const auto& m : answer["messages"])
      if (m["kind"] == kind) return m;
  }
  FAIL("no " << kind << " in the inbox within " << kPatience.count() << " s; hubd's log:\n" << hubd.log());
  return {};
}

}  // namespace hub::testing::http_e2e
