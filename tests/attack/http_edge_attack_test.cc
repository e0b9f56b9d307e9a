// tests/attack/http_edge_attack_test.cc: attacks on the HTTP edge of the real
// hubd (the http adapter's listener, plain HTTP on loopback, with limits a
// little tighter than the defaults so that the attacks stay short): huge
// headers, huge announced bodies, connection floods, slow clients, floods of
// bad signatures, replays and a deeply nested body from a unit holding a
// valid credential. After each: hubd is alive, a well-behaved unit's case
// flows over ZeroMQ, and a signed HTTP request of a well-behaved unit is
// accepted. One line per attack is printed with what the attacker saw.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "attack_runner.h"
#include "ops/operator_client.h"
#include "request_signature.h"
#include "test_client.h"
#include "test_hub.h"
#include "well_behaved_flow.h"

using hub::Json;
using hub::http::testing::ClientResponse;
using hub::http::testing::TestClient;
using namespace hub::testing;
using namespace std::chrono_literals;

namespace {

constexpr int kPerAddress = 32;  // the listener's max_connections_per_address here

DeploymentOptions http_edge(std::uint16_t port) {
  DeploymentOptions o;
  o.more_yaml = R"(
units:
  - {id: test.web, name: 网络测试单位, adapter: http, may_send: [test.faulty]}
  - {id: test.webcalm, name: 守规网络单位, adapter: http, may_send: [test.faulty]}
routes:
  - {id: web_out, match: {type: test.faulty, origin: [test.web, test.webcalm]}, to: [test.receiver]}
)";
  o.http_settings = fmt::format(
      "{{listener: {{bind: \"127.0.0.1:{}\", max_connections_per_address: {}, header_timeout_seconds: 2, "
      "body_timeout_seconds: 2, max_header_bytes: 16384, max_body_bytes: 1048576}}, answer_timeout_seconds: 10}}",
      port, kPerAddress);
  return o;
}

struct Credential {
  std::string key_id, secret;
};

int nonce_counter = 0;

std::string signed_headers(const Credential& c, const std::string& method, const std::string& path,
                           const std::string& body) {
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::string nonce = fmt::format("attack-nonce-{}-{}", getpid(), ++nonce_counter);
  std::string text;
  REQUIRE(hub::http_adapter::canonical_text(method, path, "", now, nonce, body, &text).ok());
  return fmt::format("X-XH-Key: {}\r\nX-XH-Timestamp: {}\r\nX-XH-Nonce: {}\r\nX-XH-Signature: {}\r\n"
                     "Content-Type: application/json\r\n",
                     c.key_id, now, nonce, hub::http_adapter::hmac_sha256_hex(c.secret, text));
}

std::string case_body(const std::string& reference) {
  return Json{{"reference", reference}, {"type", "test.faulty"}, {"compound", ""}, {"payload", Json::object()}}.dump();
}

class Arena {
 public:
  Arena() : port_(hub::http::testing::free_loopback_port()), deployment_(http_edge(port_)), hubd_(deployment_) {
    hubd_.start();
    calm_ = std::make_unique<WellBehavedFlow>(deployment_);
    attacker = issue("test.web");
    calm_web_ = issue("test.webcalm");
  }

  HubProcess& hubd() { return hubd_; }
  std::uint16_t port() const { return port_; }

  // hubd alive, the ZeroMQ flow works, and a signed case over HTTP is accepted.
  std::string healthy() {
    if (std::string zmq = calm_->check(hubd_); !zmq.empty()) return zmq;
    TestClient client;
    // Connection places freed by the attack are given back asynchronously.
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    while (true) {
      if (client.connect(port_).empty()) {
        const std::string body = case_body(fmt::format("CALM-{}", ++calm_cases_));
        const auto r = client.request("POST", "/v1/cases", body, signed_headers(calm_web_, "POST", "/v1/cases", body));
        if (r && r->status == 201) return "";
        if (std::chrono::steady_clock::now() > give_up)
          return "a well-behaved HTTP unit's case was not accepted: " + (r ? r->body : client.last_error());
      } else if (std::chrono::steady_clock::now() > give_up) {
        return "a well-behaved HTTP unit could not connect: " + client.last_error();
      }
      std::this_thread::sleep_for(100ms);  // polling for a place to free: bounded above
    }
  }

  Credential attacker;

 private:
  Credential issue(const std::string& unit) {
    const hub::ops::OperatorEndpoint socket{deployment_.operator_socket(), ""};
    auto answer = hub::ops::ask_operator(socket, {{"op", "credential"}, {"action", "issue"}, {"unit", unit}});
    REQUIRE(answer.ok());
    REQUIRE((*answer)["ok"] == true);
    return {(*answer)["key_id"].get<std::string>(), (*answer)["secret"].get<std::string>()};
  }

  std::uint16_t port_;
  TestDeployment deployment_;
  HubProcess hubd_;
  std::unique_ptr<WellBehavedFlow> calm_;
  Credential calm_web_;
  int calm_cases_ = 0;
};

std::string status_of(const std::optional<ClientResponse>& r) { return r ? std::to_string(r->status) : "closed"; }

std::string huge_headers(Arena& a) {
  TestClient c;
  REQUIRE(c.connect(a.port()).empty());
  const std::string junk = "X-Junk: " + std::string(1 << 20, 'a') + "\r\n";
  // The hub answers once the header passes its limit and closes without
  // reading the rest, so the end of this write may fail (the connection
  // reset under it): the answer is read whatever became of the write.
  (void)c.write_raw("POST /v1/cases HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n" + junk + "\r\n{}");
  return "answered " + status_of(c.read_response());
}

std::string huge_body(Arena& a) {
  TestClient c;
  REQUIRE(c.connect(a.port()).empty());
  REQUIRE(c.write_raw("POST /v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      "Content-Length: 104857600\r\n\r\n{").empty());
  return "answered " + status_of(c.read_response()) + " before the body was sent";
}

std::string connection_flood(Arena& a) {
  const int count = kPerAddress * 6;
  std::vector<std::unique_ptr<TestClient>> clients;
  int refused = 0, served = 0;
  for (int i = 0; i < count; ++i) {
    auto c = std::make_unique<TestClient>();
    if (!c->connect(a.port()).empty()) {
      ++refused;
      continue;
    }
    clients.push_back(std::move(c));
  }
  for (auto& c : clients) {
    const auto r = c->request("GET", "/v1/openapi.json");
    if (r && r->status == 200) ++served;
    else ++refused;
  }
  return fmt::format("{} connections: {} served, {} refused (503 or closed){}", count, served, refused,
                     served > kPerAddress ? " BEYOND the per-address limit" : "");
}

std::string slow_headers(Arena& a) {
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 20; ++i) {
    auto c = std::make_unique<TestClient>();
    REQUIRE(c->connect(a.port()).empty());
    REQUIRE(c->write_raw("POST /v1/cases HTTP/1.1\r\nHost: x\r\nX-Slow: ").empty());
    clients.push_back(std::move(c));
  }
  // A byte a second: the header never ends within header_timeout_seconds (2).
  int closed = 0;
  for (int second = 0; second < 4 && closed < 20; ++second) {
    for (auto& c : clients) (void)c->write_raw("a");
    std::this_thread::sleep_for(1s);  // the attacker's pace, not a wait for the hub
  }
  for (auto& c : clients) closed += c->closed_within(5s) ? 1 : 0;
  return fmt::format("20 slow clients: {} closed by the hub (408)", closed);
}

std::string bad_signatures(Arena& a) {
  TestClient c;
  REQUIRE(c.connect(a.port()).empty());
  int refused = 0, other = 0;
  const std::string body = case_body("FORGED");
  for (int i = 0; i < 2000; ++i) {
    Credential forged = a.attacker;
    forged.secret = "not-the-secret-" + std::to_string(i) + "-0123456789abcdef0123456789";
    auto r = c.request("POST", "/v1/cases", body, signed_headers(forged, "POST", "/v1/cases", body));
    if (!r) {
      REQUIRE(c.connect(a.port()).empty());
      ++other;
      continue;
    }
    (r->status == 401 ? refused : other)++;
  }
  return fmt::format("2000 forged signatures: {} x 401, {} other", refused, other);
}

std::string replays(Arena& a) {
  TestClient c;
  REQUIRE(c.connect(a.port()).empty());
  const std::string body = case_body("REPLAYED");
  const std::string headers = signed_headers(a.attacker, "POST", "/v1/cases", body);
  const auto first = c.request("POST", "/v1/cases", body, headers);
  int replayed = 0;
  for (int i = 0; i < 200; ++i) {
    const auto r = c.request("POST", "/v1/cases", body, headers);
    if (r && r->status == 401 && r->body.find("replayed_nonce") != std::string::npos) ++replayed;
  }
  return fmt::format("first {}, then 200 replays: {} x 401 replayed_nonce{}", status_of(first), replayed,
                     replayed == 200 ? "" : " (TOO MANY taken)");
}

std::string deep_body(Arena& a) {
  TestClient c;
  REQUIRE(c.connect(a.port()).empty());
  const std::string nested = std::string(100000, '[') + std::string(100000, ']');
  const std::string body = R"({"reference":"DEEP","type":"test.faulty","compound":"","payload":{"x":)" + nested + "}}";
  const auto r = c.request("POST", "/v1/cases", body, signed_headers(a.attacker, "POST", "/v1/cases", body));
  return "answered " + status_of(r) + (r ? " " + Json::parse(r->body).value("code", "") : "");
}

}  // namespace

TEST_CASE("the HTTP edge holds against huge, slow, flooding, forged and replayed requests", "[attack][http]") {
  Arena arena;
  REQUIRE(arena.healthy().empty());
  run_attacks<Arena>(arena,
                     {
                         {"headers of 1 MiB", huge_headers, "431"},
                         {"a body of 100 MiB announced", huge_body, "413"},
                         {"six times the connections one address may hold", connection_flood, "refused"},
                         {"slow clients trickling their headers", slow_headers, "20 closed"},
                         {"2,000 requests with forged signatures", bad_signatures, "2000 x 401, 0 other"},
                         {"a signed request replayed 200 times", replays, "200 x 401"},
                         {"a signed body nested 100,000 deep", deep_body, "400 too_deep"},
                     },
                     "http: ");
}
