// The http adapter as hubd sees it: the real module loaded with Boost.DLL,
// a real listener on 127.0.0.1 (HTTPS with certificates the test makes), real
// HTTP clients, and a real webhook receiver (an http::Server). The host is a
// test host that knows one unit's secret, as hubd's credential store would.
// No sleeps: every wait is on a condition variable or a socket, with a deadline.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/dll/shared_library.hpp>
#include <nlohmann/json.hpp>

#include "http/server.h"
#include "hub/adapter.h"
#include "request_signature.h"
#include "test_client.h"
#include "test_pki.h"
#include "webhook_receiver.h"

namespace {

using namespace std::chrono_literals;
using hub::http::testing::ClientResponse;
using hub::http::testing::ClientTls;
using hub::http::testing::TestClient;
using hub::http::testing::TestPki;
using hub::http::testing::WebhookReceiver;
using hub::http_adapter::canonical_text;
using hub::http_adapter::hmac_sha256_hex;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr auto kPatience = 5s;  // only a failing test waits this long
const std::string kKeyId = "xk_registry0000001";
const std::string kSecret = "registry-secret-0123456789abcdef0123456789";

struct Received {
  std::string unit, body;
  std::uint64_t request = 0;
  std::string data{};  // the bytes beside the body (on_message_with_data)
};

// Knows the registry's secret and one client certificate; records what the adapter hands over.
class TestHost : public hub::AdapterHost {
 public:
  explicit TestHost(std::string certificate_sha256 = "") : certificate_(std::move(certificate_sha256)) {}

  hub::Identity authenticate(const hub::Credential& c) noexcept override {
    std::lock_guard lock(mu_);
    credentials_.push_back(c);
    if (c.kind == hub::Credential::Kind::kClientCertificate)
      return c.id == certificate_ ? hub::Identity{"court", "", ""}
                                  : hub::Identity{"", "key_revoked", "unknown certificate"};
    if (c.kind != hub::Credential::Kind::kSignedRequest || c.id != kKeyId)
      return hub::Identity{"", "key_revoked", "unknown key"};
    if (hmac_sha256_hex(kSecret, c.signed_text) != c.signature)
      return hub::Identity{"", "bad_signature", "the signature does not match"};
    return hub::Identity{"registry", "", ""};
  }
  void on_message(const hub::Origin& origin, std::string body) noexcept override {
    {
      std::lock_guard lock(mu_);
      messages_.push_back({origin.unit, std::move(body), origin.request});
    }
    changed_.notify_all();
  }
  void on_message_with_data(const hub::Origin& origin, std::string body, std::string data) noexcept override {
    {
      std::lock_guard lock(mu_);
      messages_.push_back({origin.unit, std::move(body), origin.request, std::move(data)});
    }
    changed_.notify_all();
  }
  void log_info(std::string_view line) noexcept override {
    std::lock_guard lock(mu_);
    infos_.emplace_back(line);
  }
  // The listener's port, from the adapter's start line ("... (port N, ...").
  std::uint16_t port() {
    std::lock_guard lock(mu_);
    for (const auto& line : infos_)
      if (const auto at = line.find("(port "); at != std::string::npos)
        return static_cast<std::uint16_t>(std::stoi(line.substr(at + 6)));
    return 0;
  }
  void log_warn(std::string_view line) noexcept override {
    {
      std::lock_guard lock(mu_);
      warnings_.emplace_back(line);
    }
    changed_.notify_all();
  }

  // The first message whose body contains `text`, waiting for it.
  std::optional<Received> wait_for(const std::string& text) {
    std::unique_lock lock(mu_);
    std::optional<Received> found;
    changed_.wait_until(lock, Clock::now() + kPatience, [&] {
      for (const auto& m : messages_)
        if (m.body.find(text) != std::string::npos) {
          found = m;
          return true;
        }
      return false;
    });
    return found;
  }
  bool wait_for_warning(const std::string& text) {
    std::unique_lock lock(mu_);
    return changed_.wait_until(lock, Clock::now() + kPatience, [&] {
      for (const auto& w : warnings_)
        if (w.find(text) != std::string::npos) return true;
      return false;
    });
  }
  std::size_t count(const std::string& text) {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (const auto& m : messages_) n += m.body.find(text) != std::string::npos;
    return n;
  }
  std::vector<hub::Credential> credentials() {
    std::lock_guard lock(mu_);
    return credentials_;
  }

 private:
  std::string certificate_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<Received> messages_;
  std::vector<std::string> warnings_, infos_;
  std::vector<hub::Credential> credentials_;
};

// modules/http.so, loaded the way hubd loads it.
class LoadedAdapter {
 public:
  LoadedAdapter() : library_(HUB_HTTP_MODULE_PATH) {
    REQUIRE(std::string(library_.get<const char*()>("hub_abi_version")()) == hub::kAbiVersion);
    adapter_ = library_.get<hub::Adapter*()>("hub_create_adapter")();
    REQUIRE(adapter_ != nullptr);
  }
  ~LoadedAdapter() { library_.get<void(hub::Adapter*)>("hub_destroy_adapter")(adapter_); }
  LoadedAdapter(const LoadedAdapter&) = delete;
  LoadedAdapter& operator=(const LoadedAdapter&) = delete;
  hub::Adapter* operator->() { return adapter_; }

 private:
  boost::dll::shared_library library_;
  hub::Adapter* adapter_ = nullptr;
};

std::string header_block(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string block;
  for (const auto& [name, value] : headers) block += name + ": " + value + "\r\n";
  return block;
}

int nonce_counter = 0;

// The headers a unit's system sends with a request it signs (docs/ADAPTERS.md).
std::string signed_headers(const std::string& method, const std::string& target, const std::string& body,
                           const std::string& secret = kSecret, std::int64_t timestamp = 1765072800) {
  const auto question = target.find('?');
  const std::string path = target.substr(0, question);
  const std::string query = question == std::string::npos ? "" : target.substr(question + 1);
  const std::string nonce = "test-nonce-" + std::to_string(1000000 + ++nonce_counter);
  std::string text;
  REQUIRE(canonical_text(method, path, query, timestamp, nonce, body, &text).ok());
  return header_block({{"X-XH-Key", kKeyId},
                       {"X-XH-Timestamp", std::to_string(timestamp)},
                       {"X-XH-Nonce", nonce},
                       {"X-XH-Signature", hmac_sha256_hex(secret, text)},
                       {"Content-Type", "application/json"}});
}

struct Fixture {
  explicit Fixture(json extra = json::object(), bool client_certificates = false)
      : host(client_certificates ? pki.client_sha256 : "") {
    json listener = {{"bind", "127.0.0.1:0"},
                     {"certificate_file", pki.server_cert_file},
                     {"private_key_file", pki.server_key_file}};
    if (client_certificates) listener["client_ca_file"] = pki.ca_file;
    json settings = {{"listener", listener}};
    settings.update(extra);
    const hub::Status started = adapter->start(settings, host);
    INFO(started.to_string());
    REQUIRE(started.ok());
    port = host.port();
    REQUIRE(port != 0);
  }
  ~Fixture() { adapter->stop(); }

  ClientTls tls(bool with_certificate = false) const {
    ClientTls t{pki.ca_file, "", ""};
    if (with_certificate) {
      t.cert_file = pki.client_cert_file;
      t.key_file = pki.client_key_file;
    }
    return t;
  }
  void connect(TestClient& c, bool with_certificate = false) {
    REQUIRE(c.connect(port, tls(with_certificate)).empty());
  }
  std::optional<ClientResponse> call(TestClient& c, const std::string& method, const std::string& target,
                                     const std::string& body = "") {
    return c.request(method, target, body, signed_headers(method, target, body));
  }

  TestPki pki;
  TestHost host;
  LoadedAdapter adapter;
  std::uint16_t port = 0;
};

}  // namespace

TEST_CASE("a signed case goes to the host as a send of the unit, and the hub's answer comes back as 201",
          "[http adapter]") {
  Fixture f;
  TestClient client;
  f.connect(client);
  const std::string body = R"({"reference":"ZY-1","type":"registry.fee_check","compound":"jinxiu","payload":{}})";
  std::optional<ClientResponse> response;
  std::thread caller([&] { response = f.call(client, "POST", "/v1/cases", body); });
  const auto sent = f.host.wait_for("ZY-1");
  REQUIRE(sent);
  CHECK(sent->unit == "registry");
  CHECK(json::parse(sent->body) == json::parse(R"({"kind":"send","reference":"ZY-1","type":"registry.fee_check",
                                                   "compound":"jinxiu","payload":{}})"));
  const std::string answer = R"({"kind":"accepted","request":"send","reference":"ZY-1","case":7,"duplicate":false,"deliveries":[]})";
  REQUIRE(f.adapter->answer(hub::Origin{"registry", sent->request}, answer).ok());
  caller.join();
  REQUIRE(response);
  CHECK(response->status == 201);
  CHECK(response->body == answer);
  CHECK(response->header("content-type") == "application/json");
  // The request is answered: a late second answer finds nobody waiting.
  CHECK_FALSE(f.adapter->answer(hub::Origin{"registry", sent->request}, answer).ok());
}

TEST_CASE("every route fixes its kind and ids from the path, the body cannot override them", "[http adapter]") {
  Fixture f;
  TestClient client;
  f.connect(client);
  const std::vector<std::tuple<std::string, std::string, std::string, json>> routes = {
      {"POST", "/v1/deliveries/2048/replies", R"({"reference":"R-1","final":true,"outcome":"done","body":{}})",
       {{"kind", "reply"}, {"delivery", 2048}, {"reference", "R-1"}, {"final", true}, {"outcome", "done"},
        {"body", json::object()}}},
      {"POST", "/v1/deliveries/2048/sign", R"({"reference":"S-1"})",
       {{"kind", "sign"}, {"delivery", 2048}, {"reference", "S-1"}}},
      {"POST", "/v1/deliveries/2048/grant_extension", R"({"reference":"G-1","until":"2026-12-20T00:00:00+08:00"})",
       {{"kind", "grant_extension"}, {"delivery", 2048}, {"reference", "G-1"}, {"until", "2026-12-20T00:00:00+08:00"}}},
      {"GET", "/v1/cases/1024", "", {{"kind", "read"}, {"case", 1024}}},
      {"POST", "/v1/cases/1024/reopen", R"({"reference":"O-1","reason":"未修好","delivery":2048})",
       {{"kind", "reopen"}, {"case", 1024}, {"reference", "O-1"}, {"reason", "未修好"}, {"delivery", 2048}}},
      {"POST", "/v1/hello", R"({"client":"registry-counter/2.3"})", {{"kind", "hello"}, {"client", "registry-counter/2.3"}}},
  };
  for (const auto& route : routes) {
    // Named copies: clang does not let a lambda capture structured bindings.
    const std::string method = std::get<0>(route), target = std::get<1>(route), body = std::get<2>(route);
    const json& expected = std::get<3>(route);
    INFO(method << " " << target);
    std::optional<ClientResponse> response;
    std::thread caller([&] { response = f.call(client, method, target, body); });
    std::optional<Received> sent;
    const std::string kind = "\"kind\":\"" + expected["kind"].get<std::string>() + "\"";
    sent = f.host.wait_for(kind);
    REQUIRE(sent);
    CHECK(json::parse(sent->body) == expected);
    REQUIRE(f.adapter->answer(hub::Origin{"registry", sent->request},
                              R"({"kind":"error","code":"unknown_delivery","message":"no such delivery","retry":false})")
                .ok());
    caller.join();
    REQUIRE(response);
    CHECK(response->status == 404);
  }
  // A body repeating the route's kind is passed on as it is: the hub refuses the duplicate key.
  std::optional<ClientResponse> response;
  std::thread caller([&] { response = f.call(client, "POST", "/v1/cases/9/close", R"({"kind":"reopen"})"); });
  const auto sent = f.host.wait_for("\"case\":9");
  REQUIRE(sent);
  CHECK(sent->body == R"({"kind":"close","case":9,"kind":"reopen"})");
  REQUIRE(f.adapter->answer(hub::Origin{"registry", sent->request},
                            R"({"kind":"error","code":"duplicate_key","message":"kind twice","retry":false})")
              .ok());
  caller.join();
  REQUIRE(response);
  CHECK(response->status == 400);
}

TEST_CASE("requests without a valid credential never reach the host's on_message", "[http adapter]") {
  Fixture f;
  TestClient client;
  f.connect(client);
  const auto unsigned_call = client.request("POST", "/v1/cases", "{}", "Content-Type: application/json\r\n");
  REQUIRE(unsigned_call);
  CHECK(unsigned_call->status == 401);
  CHECK(unsigned_call->header("www-authenticate") == "XH1-HMAC-SHA256");
  CHECK(json::parse(unsigned_call->body)["code"] == "unauthenticated");

  const auto wrong_secret = client.request("POST", "/v1/cases", "{}",
                                           signed_headers("POST", "/v1/cases", "{}", "another-secret-000000000000000000"));
  REQUIRE(wrong_secret);
  CHECK(wrong_secret->status == 401);
  CHECK(json::parse(wrong_secret->body)["code"] == "bad_signature");
  CHECK(json::parse(wrong_secret->body)["request"] == "send");

  // Signed for another body than the one sent.
  const auto other_body = client.request("POST", "/v1/cases", R"({"reference":"X"})",
                                         signed_headers("POST", "/v1/cases", "{}"));
  REQUIRE(other_body);
  CHECK(other_body->status == 401);

  // Signed for another path than the one sent.
  const auto other_path = client.request("POST", "/v1/deliveries/1/sign", "{}",
                                         signed_headers("POST", "/v1/deliveries/2/sign", "{}"));
  REQUIRE(other_path);
  CHECK(other_path->status == 401);

  const auto malformed = client.request("POST", "/v1/cases", "{}",
                                        "X-XH-Key: " + kKeyId + "\r\nX-XH-Timestamp: soon\r\n");
  REQUIRE(malformed);
  CHECK(malformed->status == 401);
  CHECK_THAT(malformed->body, Catch::Contains("X-XH-Nonce"));
  CHECK(f.host.count("\"kind\"") == 0);
}

TEST_CASE("the signature covers the query in canonical order, whatever order the client wrote", "[http adapter]") {
  Fixture f;
  TestClient client;
  f.connect(client);
  // Signed as wait=0&limit=5; sent as limit=5&wait=0: the same canonical query.
  const std::string headers = signed_headers("GET", "/v1/inbox?wait=0&limit=5", "");
  const auto response = client.request("GET", "/v1/inbox?limit=5&wait=0", "", headers);
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->body == R"({"messages":[]})");
}

TEST_CASE("a client certificate the listener verified identifies its unit", "[http adapter]") {
  Fixture f(json::object(), true);
  TestClient client;
  f.connect(client, true);
  std::optional<ClientResponse> response;
  std::thread caller([&] {
    response = client.request("POST", "/v1/cases", R"({"reference":"C-1"})", "Content-Type: application/json\r\n");
  });
  const auto sent = f.host.wait_for("C-1");
  REQUIRE(sent);
  CHECK(sent->unit == "court");
  const auto credentials = f.host.credentials();
  REQUIRE_FALSE(credentials.empty());
  CHECK(credentials.back().kind == hub::Credential::Kind::kClientCertificate);
  CHECK(credentials.back().id == f.pki.client_sha256);
  REQUIRE(f.adapter->answer(hub::Origin{"court", sent->request},
                            R"({"kind":"accepted","request":"send","reference":"C-1","case":8,"duplicate":true,"deliveries":[]})")
              .ok());
  caller.join();
  REQUIRE(response);
  CHECK(response->status == 200);  // a duplicate: the case existed already
}

TEST_CASE("bodies that are not JSON objects are refused before the host sees them", "[http adapter]") {
  Fixture f;
  TestClient client;
  f.connect(client);
  const std::string plain_type = "Content-Type: text/plain\r\n";
  auto headers = signed_headers("POST", "/v1/cases", "{}");
  headers.replace(headers.find("application/json"), 16, "text/plain");
  const auto wrong_type = client.request("POST", "/v1/cases", "{}", headers);
  REQUIRE(wrong_type);
  CHECK(wrong_type->status == 415);

  const auto array = f.call(client, "POST", "/v1/cases", "[1,2]");
  REQUIRE(array);
  CHECK(array->status == 400);
  CHECK(json::parse(array->body)["code"] == "malformed_json");

  const auto bad_id = f.call(client, "POST", "/v1/deliveries/0x10/sign", "{}");
  REQUIRE(bad_id);
  CHECK(bad_id->status == 400);
  CHECK(json::parse(bad_id->body)["code"] == "invalid_envelope");
  CHECK(f.host.count("\"kind\"") == 0);
}

TEST_CASE("a request the hub does not answer in time is answered 503 no_answer with Retry-After", "[http adapter]") {
  Fixture f(json{{"answer_timeout_seconds", 1}});
  TestClient client;
  f.connect(client);
  const auto started = Clock::now();
  const auto response = f.call(client, "POST", "/v1/cases", R"({"reference":"LATE-1"})");
  REQUIRE(response);
  CHECK(response->status == 503);
  CHECK(response->header("retry-after") == "2");
  CHECK(json::parse(response->body)["code"] == "no_answer");
  CHECK(json::parse(response->body)["retry"] == true);
  CHECK(Clock::now() - started >= 1s);
  // The hub's late answer finds nobody waiting.
  const auto sent = f.host.wait_for("LATE-1");
  REQUIRE(sent);
  CHECK_FALSE(f.adapter->answer(hub::Origin{"registry", sent->request}, R"({"kind":"accepted"})").ok());
}

TEST_CASE("acks are taken at once and handed to the host as acks of the unit", "[http adapter]") {
  Fixture f;
  TestClient client;
  f.connect(client);
  for (const auto& [target, expected] : std::vector<std::pair<std::string, std::string>>{
           {"/v1/deliveries/2048/ack", R"({"kind":"ack","delivery":2048})"},
           {"/v1/replies/4096/ack", R"({"kind":"ack","reply":4096})"},
           {"/v1/updates/5120/ack", R"({"kind":"ack","update":5120})"}}) {
    const auto response = f.call(client, "POST", target);
    REQUIRE(response);
    CHECK(response->status == 202);
    const auto sent = f.host.wait_for(expected);
    REQUIRE(sent);
    CHECK(sent->unit == "registry");
  }
}

TEST_CASE("a long poll is answered as soon as the hub sends the unit something", "[http adapter]") {
  Fixture f;
  // Not polling yet: the hub keeps its messages.
  CHECK(f.adapter->reach("registry") == hub::Reach::kWhileConnected);
  CHECK_FALSE(f.adapter->send("registry", R"({"kind":"delivery","delivery":1})").ok());

  TestClient client;
  f.connect(client);
  std::optional<ClientResponse> response;
  const auto started = Clock::now();
  std::thread poller([&] { response = f.call(client, "GET", "/v1/inbox?wait=5"); });
  // The poll is a heartbeat: the unit is online at the hub.
  REQUIRE(f.host.wait_for(R"({"kind":"heartbeat"})"));
  const std::string delivery = R"({"kind":"delivery","delivery":2048,"case":1024})";
  // The poll may still be on its way to the inbox: send until it is taken.
  while (!f.adapter->send("registry", delivery).ok() && Clock::now() - started < kPatience) std::this_thread::yield();
  poller.join();
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(json::parse(response->body) == json::parse("{\"messages\":[" + delivery + "]}"));
  CHECK(Clock::now() - started < 5s);

  // Polled a moment ago: messages wait for the next poll, which takes them at once.
  REQUIRE(f.adapter->send("registry", R"({"kind":"state","update":1})").ok());
  REQUIRE(f.adapter->send("registry", R"({"kind":"state","update":2})").ok());
  const auto next = f.call(client, "GET", "/v1/inbox?wait=5&limit=1");
  REQUIRE(next);
  CHECK(json::parse(next->body)["messages"].size() == 1);
  const auto rest = f.call(client, "GET", "/v1/inbox?wait=0");
  REQUIRE(rest);
  CHECK(json::parse(rest->body)["messages"] == json::parse(R"([{"kind":"state","update":2}])"));

  const auto too_long = f.call(client, "GET", "/v1/inbox?wait=3600");
  REQUIRE(too_long);
  CHECK(too_long->status == 400);
}

namespace {

class SecretFile {
 public:
  explicit SecretFile(const std::string& secret) {
    std::string pattern = (std::filesystem::temp_directory_path() / "webhook-secret-XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    REQUIRE(fd >= 0);
    ::close(fd);
    path = pattern;
    std::ofstream(path) << secret << "\n";
    ::chmod(path.c_str(), 0600);
  }
  ~SecretFile() { std::filesystem::remove(path); }
  std::string path;
};

}  // namespace

TEST_CASE("webhook pushes are signed, a failure is left to the hub's resend, and a 2xx acks once",
          "[http adapter]") {
  WebhookReceiver receiver(1, "/xh/inbox");
  const std::string webhook_secret = "webhook-secret-for-the-court-0123456789";
  SecretFile secret(webhook_secret);
  Fixture f(json{{"webhooks",
                  {{"court", {{"url", receiver.url()},
                              {"secret_file", secret.path}}}}}});
  CHECK(f.adapter->reach("court") == hub::Reach::kAnyTime);
  CHECK(f.adapter->reach("registry") == hub::Reach::kWhileConnected);

  const std::string delivery = R"({"kind":"delivery","delivery":77,"case":5,"attempt":1})";
  REQUIRE(f.adapter->send("court", delivery).ok());
  auto pushes = receiver.wait_for("", 1);
  REQUIRE(pushes.size() == 1);
  // Answered 500: no ack; the hub sends it again after its pause.
  CHECK(f.host.count(R"({"kind":"ack","delivery":77})") == 0);
  REQUIRE(f.host.wait_for_warning("webhook of court failed"));

  const std::string again = R"({"kind":"delivery","delivery":77,"case":5,"attempt":2})";
  REQUIRE(f.adapter->send("court", again).ok());
  pushes = receiver.wait_for("", 2);
  REQUIRE(pushes.size() == 2);
  const auto ack = f.host.wait_for(R"({"kind":"ack","delivery":77})");
  REQUIRE(ack);
  CHECK(ack->unit == "court");
  CHECK(f.host.count(R"({"kind":"ack","delivery":77})") == 1);
  REQUIRE(f.host.wait_for_warning("webhook of court works again"));

  // The receiver can check each push with the secret it shares with the hub.
  for (const auto& push : pushes) {
    const auto timestamp = push.headers.get("X-XH-Timestamp");
    const auto nonce = push.headers.get("X-XH-Nonce");
    const auto signature = push.headers.get("X-XH-Signature");
    REQUIRE(timestamp);
    REQUIRE(nonce);
    REQUIRE(signature);
    std::string text;
    REQUIRE(canonical_text("POST", push.path, push.query, std::stoll(std::string(*timestamp)), *nonce, push.body, &text)
                .ok());
    CHECK(hmac_sha256_hex(webhook_secret, text) == *signature);
  }
  CHECK(pushes[1].body == again);
  CHECK(*pushes[0].headers.get("X-XH-Nonce") != *pushes[1].headers.get("X-XH-Nonce"));
}

TEST_CASE("a webhook over HTTPS checks the receiver's certificate against the unit's CA", "[http adapter]") {
  TestPki receiver_pki;
  hub::http::Router router;
  std::atomic<int> pushes{0};
  REQUIRE(router.add_sync("POST", "/in", [&](const hub::http::Request&) {
    ++pushes;
    return hub::http::Response::text(200, "stored");
  }).ok());
  hub::http::ListenerSettings settings;
  settings.bind = "127.0.0.1:0";
  settings.certificate_file = receiver_pki.server_cert_file;
  settings.private_key_file = receiver_pki.server_key_file;
  hub::http::Server receiver(settings, std::move(router));
  REQUIRE(receiver.start().ok());
  SecretFile secret("webhook-secret-for-the-court-0123456789");
  const std::string url = "https://127.0.0.1:" + std::to_string(receiver.port()) + "/in";

  SECTION("trusted: pushed and acked") {
    Fixture f(json{{"webhooks", {{"court", {{"url", url}, {"secret_file", secret.path}, {"ca_file", receiver_pki.ca_file}}}}}});
    REQUIRE(f.adapter->send("court", R"({"kind":"reply","reply":9,"case":5})").ok());
    REQUIRE(f.host.wait_for(R"({"kind":"ack","reply":9})"));
    CHECK(pushes == 1);
  }
  SECTION("another CA: refused at the handshake, nothing pushed, nothing acked") {
    Fixture f(json{{"webhooks", {{"court", {{"url", url}, {"secret_file", secret.path}, {"ca_file", receiver_pki.other_ca_file}}}}}});
    REQUIRE(f.adapter->send("court", R"({"kind":"reply","reply":9,"case":5})").ok());
    REQUIRE(f.host.wait_for_warning("TLS handshake"));
    CHECK(pushes == 0);
    CHECK(f.host.count("\"ack\"") == 0);
  }
}

TEST_CASE("the API's OpenAPI document is served without a credential, as JSON naming every route",
          "[http adapter]") {
  Fixture f;
  TestClient client;
  f.connect(client);
  const auto response = client.request("GET", "/v1/openapi.json");
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->header("content-type") == "application/json");
  CHECK(response->header("cache-control") == "public, max-age=3600");
  const json document = json::parse(response->body, nullptr, false);
  REQUIRE(document.is_object());
  CHECK(document["openapi"] == "3.0.3");
  CHECK(document["paths"].contains("/v1/cases"));
  CHECK(document["paths"]["/v1/inbox"].contains("get"));
  // Chinese text arrives as the document's UTF-8.
  CHECK_THAT(response->body, Catch::Contains("物业费结清查询"));
  // Nothing reached the host: the document needs no credential.
  CHECK(f.host.credentials().empty());
}

TEST_CASE("a batch of cases goes to the host as one send each, answered together in the cases' order",
          "[http adapter][batch]") {
  Fixture f(json{{"answer_timeout_seconds", 2}});
  TestClient client;
  f.connect(client);
  const std::string body = R"({"cases":[{"reference":"B-1","payload":{"note":"}{"}},
                                         {"reference":"B-2"}, {"reference":"B-3"}]})";
  std::optional<ClientResponse> response;
  std::thread caller([&] { response = f.call(client, "POST", "/v1/case-batches", body); });
  const auto first = f.host.wait_for("B-1");
  const auto second = f.host.wait_for("B-2");
  const auto third = f.host.wait_for("B-3");
  REQUIRE(first);
  REQUIRE(second);
  REQUIRE(third);
  CHECK(first->unit == "registry");
  CHECK(json::parse(first->body) == json::parse(R"({"kind":"send","reference":"B-1","payload":{"note":"}{"}})"));
  CHECK(first->request != second->request);
  CHECK(second->request != third->request);
  // Answered out of order, the second refused, the third never: it times out as no_answer.
  const std::string rejected =
      R"({"kind":"error","code":"invalid_payload","request":"send","reference":"B-2","problems":[]})";
  REQUIRE(f.adapter->answer(hub::Origin{"registry", second->request}, rejected).ok());
  const std::string accepted = R"({"kind":"accepted","request":"send","reference":"B-1","case":9,"duplicate":false})";
  REQUIRE(f.adapter->answer(hub::Origin{"registry", first->request}, accepted).ok());
  caller.join();
  REQUIRE(response);
  CHECK(response->status == 200);
  const json answers = json::parse(response->body);
  CHECK(answers["kind"] == "answers");
  CHECK(answers["request"] == "send_batch");
  REQUIRE(answers["answers"].size() == 3);
  CHECK(answers["answers"][0]["status"] == 201);
  CHECK(answers["answers"][0]["answer"] == json::parse(accepted));
  CHECK(answers["answers"][1]["status"] == 422);
  CHECK(answers["answers"][1]["answer"] == json::parse(rejected));
  CHECK(answers["answers"][2]["status"] == 503);
  CHECK(answers["answers"][2]["answer"]["code"] == "no_answer");
  CHECK(answers["answers"][2]["answer"]["request"] == "send");
  CHECK_FALSE(f.adapter->answer(hub::Origin{"registry", third->request}, accepted).ok());
}

TEST_CASE("a batch the adapter cannot split reaches the host with nothing, and says why", "[http adapter][batch]") {
  Fixture f;
  TestClient client;
  f.connect(client);
  for (const std::string body : {R"({"cases":[]})", R"({"cases":[{"reference":"X-1"},7]})", R"([{"reference":"X-2"}])",
                                 R"({"cases":[{"reference":"X-3"}],"also":1})"}) {
    INFO(body);
    const auto response = f.call(client, "POST", "/v1/case-batches", body);
    REQUIRE(response);
    CHECK(response->status == 400);
    CHECK(json::parse(response->body)["request"] == "send_batch");
  }
  std::string many = R"({"cases":[)";
  for (int i = 0; i < 101; ++i) many += std::string(i > 0 ? "," : "") + R"({"reference":"M-)" + std::to_string(i) + "\"}";
  const auto response = f.call(client, "POST", "/v1/case-batches", many + "]}");
  REQUIRE(response);
  CHECK(response->status == 400);
  CHECK_THAT(json::parse(response->body)["message"].get<std::string>(), Catch::Contains("at most 100 cases"));
  CHECK(f.host.count("X-") == 0);
  CHECK(f.host.count("M-") == 0);
}

TEST_CASE("a webhook with a batch gets what waits in one signed push, and its 2xx acks each message once",
          "[http adapter][batch]") {
  WebhookReceiver receiver(1, "/xh/inbox");
  const std::string webhook_secret = "webhook-secret-for-the-court-0123456789";
  SecretFile secret(webhook_secret);
  Fixture f(json{{"webhooks",
                  {{"court", {{"url", receiver.url()}, {"secret_file", secret.path}, {"batch", 3},
                              {"connections", 1}}}}}});
  for (int id = 1; id <= 7; ++id)
    REQUIRE(f.adapter->send("court", R"({"kind":"delivery","delivery":)" + std::to_string(id) + "}").ok());
  // Whatever the pushes held, every message came, in order, at most 3 a push.
  std::vector<hub::http::Request> pushes;
  std::vector<int> seen;
  const auto deadline = Clock::now() + kPatience;
  while (seen.size() < 7 && Clock::now() < deadline) {
    pushes = receiver.wait_for("", pushes.size() + 1);
    seen.clear();
    for (const auto& push : pushes) {
      const json batch = json::parse(push.body);
      REQUIRE(batch["kind"] == "batch");
      REQUIRE(batch["messages"].size() >= 1);
      REQUIRE(batch["messages"].size() <= 3);
      for (const auto& m : batch["messages"]) seen.push_back(m["delivery"].get<int>());
    }
  }
  REQUIRE(seen.size() == 7);
  for (int i = 0; i < 7; ++i) CHECK(seen[static_cast<std::size_t>(i)] == i + 1);
  // The first push was answered 503: its messages are not acked (the hub sends them again); every other is, once.
  const json failed = json::parse(pushes[0].body)["messages"];
  for (int id = 1; id <= 7; ++id) {
    const std::string ack = R"({"kind":"ack","delivery":)" + std::to_string(id) + "}";
    bool in_failed = false;
    for (const auto& m : failed) in_failed = in_failed || m["delivery"] == id;
    if (!in_failed) REQUIRE(f.host.wait_for(ack));
    CHECK(f.host.count(ack) == (in_failed ? 0u : 1u));
  }
  // Each push is signed over its whole body.
  for (const auto& push : pushes) {
    std::string text;
    REQUIRE(canonical_text("POST", push.path, push.query, std::stoll(std::string(*push.headers.get("X-XH-Timestamp"))),
                           *push.headers.get("X-XH-Nonce"), push.body, &text)
                .ok());
    CHECK(hmac_sha256_hex(webhook_secret, text) == *push.headers.get("X-XH-Signature"));
  }
}

TEST_CASE("a webhook batch stops at 4 MiB of messages, and a larger message goes alone", "[http adapter][batch]") {
  WebhookReceiver receiver(0, "/xh/inbox", 8u << 20);
  SecretFile secret("webhook-secret-for-the-court-0123456789");
  Fixture f(json{{"webhooks",
                  {{"court", {{"url", receiver.url()}, {"secret_file", secret.path}, {"batch", 10},
                              {"connections", 1}}}}}});
  const auto message = [](int id, std::size_t bytes) {
    return R"({"kind":"delivery","delivery":)" + std::to_string(id) + R"(,"note":")" + std::string(bytes, 'x') + "\"}";
  };
  // The first push is held at the receiver, so the rest wait in the hub's queue together.
  receiver.hold();
  REQUIRE(f.adapter->send("court", message(1, 10)).ok());
  REQUIRE(receiver.wait_for("").size() == 1);
  for (int id = 2; id <= 4; ++id) REQUIRE(f.adapter->send("court", message(id, 1500 * 1024)).ok());
  REQUIRE(f.adapter->send("court", message(5, 5u << 20)).ok());
  receiver.release();
  const auto pushes = receiver.wait_for("", 4);
  REQUIRE(pushes.size() == 4);
  std::vector<std::vector<int>> carried;
  for (const auto& push : pushes) {
    std::vector<int> ids;
    const json batch = json::parse(push.body);
    for (const auto& m : batch["messages"]) ids.push_back(m["delivery"].get<int>());
    carried.push_back(ids);
  }
  // 1 alone; 2 and 3 (3 MiB, a third would pass 4 MiB); 4, then 5 alone (5 MiB, over the cap by itself).
  CHECK(carried == std::vector<std::vector<int>>{{1}, {2, 3}, {4}, {5}});
}
