// The HTTP transport end to end: the real hubd with the http adapter on real
// TLS (certificates the test makes), credentials issued on the operator
// socket as `hubctl credential` does, units' systems as signed HTTPS clients,
// a webhook receiver, and units on ZeroMQ on the other side. No sleeps: every
// wait is bounded and ends on what it waits for.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <fstream>
#include <iterator>

#include "http_hub.h"

using namespace hub::testing;
using namespace hub::testing::http_e2e;

namespace {

Json send_body(const std::string& reference) {
  return {{"reference", reference}, {"type", "test.faulty"}, {"compound", ""}, {"payload", Json::object()}};
}

}  // namespace

TEST_CASE("cases cross between HTTPS and ZeroMQ both ways through the real hubd", "[http]") {
  HttpHub h;
  const Credential web = h.issue("test.web");
  TestClient client;
  h.connect(client);
  auto receiver = h.deployment->client("test.receiver");
  receiver->hello();
  REQUIRE(receiver->wait_kind("welcome"));

  // HTTP → ZeroMQ: a case, accepted once stored; the same reference again is a duplicate.
  const ClientResponse accepted = call(client, web, "POST", "/v1/cases", send_body("WEB-1"));
  INFO(accepted.body);
  REQUIRE(accepted.status == 201);
  const Json answer = Json::parse(accepted.body);
  CHECK(answer["kind"] == "accepted");
  CHECK(answer["request"] == "send");
  const auto case_id = answer["case"].get<std::int64_t>();
  const ClientResponse again = call(client, web, "POST", "/v1/cases", send_body("WEB-1"));
  CHECK(again.status == 200);
  CHECK(Json::parse(again.body)["duplicate"] == true);
  CHECK(Json::parse(again.body)["case"] == case_id);

  const auto delivery = receiver->wait_kind("delivery");
  REQUIRE(delivery);
  CHECK((*delivery)["origin"] == "test.web");
  receiver->ack_delivery((*delivery)["delivery"].get<std::int64_t>());
  receiver->reply((*delivery)["delivery"].get<std::int64_t>(), "R-WEB-1", true, "done", Json{{"note", "已处理"}});

  // ZeroMQ → HTTP: the reply, fetched by long poll and acked.
  const Json reply = poll_for(client, web, "reply", *h.hubd);
  CHECK(reply["case"] == case_id);
  CHECK(reply["body"]["note"] == "已处理");
  const ClientResponse acked = call(client, web, "POST", "/v1/replies/" + std::to_string(reply["reply"].get<std::int64_t>()) + "/ack");
  CHECK(acked.status == 202);
  REQUIRE(wait_until(*h.deployment, "SELECT acked_at IS NOT NULL FROM replies WHERE id = " + reply["reply"].dump(), "t"));

  // The case, read by a party.
  const ClientResponse read = call(client, web, "GET", "/v1/cases/" + std::to_string(case_id));
  REQUIRE(read.status == 200);
  CHECK(Json::parse(read.body)["kind"] == "case");
  CHECK(Json::parse(read.body)["replies"].size() == 1);

  // ZeroMQ → HTTP: a case for test.web (inbox) and test.pushed (webhook); the receivers act over HTTP.
  auto sender = h.deployment->client("test.sender");
  send_accepted(*sender, "ZMQ-TO-WEB-1", "test.routed", "", Json::object());
  const Json incoming = poll_for(client, web, "delivery", *h.hubd);
  CHECK(incoming["origin"] == "test.sender");
  const auto web_delivery = incoming["delivery"].get<std::int64_t>();
  CHECK(call(client, web, "POST", "/v1/deliveries/" + std::to_string(web_delivery) + "/ack").status == 202);
  const ClientResponse signed_for =
      call(client, web, "POST", "/v1/deliveries/" + std::to_string(web_delivery) + "/sign", {{"reference", "SIGN-1"}});
  INFO(signed_for.body);
  CHECK(signed_for.status == 200);
  CHECK(Json::parse(signed_for.body)["kind"] == "transition_accepted");
  const ClientResponse replied = call(client, web, "POST", "/v1/deliveries/" + std::to_string(web_delivery) + "/replies",
                                      {{"reference", "WR-1"}, {"final", true}, {"outcome", "done"}, {"body", Json::object()}});
  CHECK(replied.status == 201);
  const auto forwarded = sender->wait_kind("reply");
  REQUIRE(forwarded);
  CHECK((*forwarded)["from"] == "test.web");

  // The webhook: pushed, signed with the webhook's secret, acked by the 2xx.
  const auto pushes = h.receiver.wait_for("\"origin\":\"test.sender\"");
  REQUIRE_FALSE(pushes.empty());
  const auto& push = pushes.back();
  std::string text;
  REQUIRE(hub::http_adapter::canonical_text("POST", push.path, push.query,
                                            std::stoll(std::string(*push.headers.get("X-XH-Timestamp"))),
                                            *push.headers.get("X-XH-Nonce"), push.body, &text)
              .ok());
  CHECK(hub::http_adapter::hmac_sha256_hex("webhook-secret-of-test-pushed-0123456789", text) ==
        *push.headers.get("X-XH-Signature"));
  const auto pushed_delivery = Json::parse(push.body)["delivery"];
  REQUIRE(wait_until(*h.deployment, "SELECT acked_at IS NOT NULL FROM deliveries WHERE id = " + pushed_delivery.dump(),
                     "t"));
}

TEST_CASE("a batch of cases is stored case by case and answered in one, deliveries are pushed in batches",
          "[http][batch]") {
  HttpHub h(1, 10);  // the webhook answers 503 once, then takes up to 10 messages a push
  const Credential web = h.issue("test.web");
  TestClient client;
  h.connect(client);
  auto receiver = h.deployment->client("test.receiver");
  receiver->hello();
  REQUIRE(receiver->wait_kind("welcome"));

  Json unknown = send_body("WB-3");
  unknown["type"] = "test.nope";
  const Json batch = {{"cases", {send_body("WB-1"), send_body("WB-2"), unknown}}};
  const ClientResponse first = call(client, web, "POST", "/v1/case-batches", batch);
  INFO(first.body);
  REQUIRE(first.status == 200);
  const Json answers = Json::parse(first.body)["answers"];
  REQUIRE(answers.size() == 3);
  CHECK(answers[0]["status"] == 201);
  CHECK(answers[0]["answer"]["reference"] == "WB-1");
  CHECK(answers[1]["status"] == 201);
  CHECK(answers[1]["answer"]["reference"] == "WB-2");
  CHECK(answers[2]["status"] == 422);
  CHECK(answers[2]["answer"]["code"] == "unknown_case_type");
  CHECK(answers[2]["answer"]["reference"] == "WB-3");
  // The same batch again: the stored cases are duplicates of themselves, nothing is stored twice.
  const ClientResponse again = call(client, web, "POST", "/v1/case-batches", batch);
  REQUIRE(again.status == 200);
  const Json repeated = Json::parse(again.body)["answers"];
  for (int i = 0; i < 2; ++i) {
    CHECK(repeated[i]["status"] == 200);
    CHECK(repeated[i]["answer"]["duplicate"] == true);
    CHECK(repeated[i]["answer"]["case"] == answers[i]["answer"]["case"]);
  }
  CHECK(query_one(*h.deployment, "SELECT count(*) FROM cases WHERE reference IN ('WB-1', 'WB-2', 'WB-3')") == "2");
  for (int i = 0; i < 2; ++i) {
    const auto delivery = receiver->wait_kind("delivery");
    REQUIRE(delivery);
    CHECK((*delivery)["origin"] == "test.web");
  }

  // ZeroMQ → the batched webhook: 12 cases, every delivery acked once by the 2xx of the push that carried it.
  auto sender = h.deployment->client("test.sender");
  for (int i = 1; i <= 12; ++i) send_accepted(*sender, "ZMQ-BATCH-" + std::to_string(i), "test.routed", "", Json::object());
  REQUIRE(wait_until(*h.deployment,
                     "SELECT count(*) FROM deliveries WHERE receiver = 'test.pushed' AND acked_at IS NOT NULL", "12"));
  CHECK(query_one(*h.deployment, "SELECT count(*) FROM events e JOIN deliveries d ON d.id = e.delivery_id "
                                 "WHERE e.kind = 'acked' AND d.receiver = 'test.pushed'") == "12");
  for (const auto& push : h.receiver.wait_for("")) {
    const Json body = Json::parse(push.body);
    CHECK(body["kind"] == "batch");
    CHECK(body["messages"].size() >= 1);
    CHECK(body["messages"].size() <= 10);
  }
}

TEST_CASE("a webhook that fails is pushed again by the hub and acked once when it answers 2xx", "[http]") {
  HttpHub h(2);  // the receiver answers 503 twice
  auto sender = h.deployment->client("test.sender");
  send_accepted(*sender, "ZMQ-PUSH-1", "test.routed", "", Json::object());
  const auto pushes = h.receiver.wait_for("ZMQ-PUSH-1", 3);
  REQUIRE(h.receiver.pushes_with("ZMQ-PUSH-1") >= 3);
  const Json first = Json::parse(pushes.front().body);
  const Json last = Json::parse(pushes.back().body);
  CHECK(first["delivery"] == last["delivery"]);
  CHECK(last["attempt"].get<int>() > first["attempt"].get<int>());
  REQUIRE(wait_until(*h.deployment, "SELECT acked_at IS NOT NULL FROM deliveries WHERE id = " + last["delivery"].dump(),
                     "t"));
  CHECK(query_one(*h.deployment, "SELECT count(*) FROM events WHERE kind = 'acked' AND delivery_id = " +
                                     last["delivery"].dump()) == "1");
}

TEST_CASE("signatures replayed, too old, revoked or for another unit's case are refused", "[http]") {
  HttpHub h;
  const Credential web = h.issue("test.web");
  const Credential flood = h.issue("test.webflood");
  TestClient client;
  h.connect(client);

  const std::string body = send_body("REPLAY-1").dump();
  const std::string headers = signed_headers(web, "POST", "/v1/cases", body);
  const auto first = client.request("POST", "/v1/cases", body, headers);
  REQUIRE(first);
  CHECK(first->status == 201);
  const auto replayed = client.request("POST", "/v1/cases", body, headers);
  REQUIRE(replayed);
  CHECK(replayed->status == 401);
  CHECK(Json::parse(replayed->body)["code"] == "replayed_nonce");

  const std::int64_t an_hour_ago =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() -
      3600;
  const auto stale = client.request("POST", "/v1/cases", body, signed_headers(web, "POST", "/v1/cases", body, an_hour_ago));
  REQUIRE(stale);
  CHECK(stale->status == 401);
  CHECK(Json::parse(stale->body)["code"] == "stale_request");

  // Another unit cannot read test.web's case; the answer is that of a case that does not exist.
  const auto case_id = Json::parse(first->body)["case"].get<std::int64_t>();
  const ClientResponse foreign = call(client, flood, "GET", "/v1/cases/" + std::to_string(case_id));
  CHECK(foreign.status == 404);
  CHECK(Json::parse(foreign.body)["code"] == "unknown_case");
  const ClientResponse missing = call(client, flood, "GET", "/v1/cases/987654321");
  CHECK(missing.status == 404);

  h.operate({{"op", "credential"}, {"action", "revoke"}, {"key_id", web.key_id}});
  const ClientResponse revoked = call(client, web, "POST", "/v1/cases", send_body("AFTER-REVOKE"));
  CHECK(revoked.status == 401);
  CHECK(Json::parse(revoked.body)["code"] == "key_revoked");
  CHECK(query_one(*h.deployment, "SELECT count(*) FROM cases WHERE reference = 'AFTER-REVOKE'") == "0");
}

TEST_CASE("a unit over its quota over HTTP gets 429 on every request dropped, never a hanging request", "[http]") {
  HttpHub h;
  const Credential flood = h.issue("test.webflood");
  TestClient client;
  h.connect(client);
  int accepted = 0, limited = 0;
  const auto started = Clock::now();
  for (int i = 0; i < 12; ++i) {
    const ClientResponse r = call(client, flood, "POST", "/v1/cases", send_body("FLOOD-" + std::to_string(i)));
    if (r.status == 201) ++accepted;
    if (r.status == 429) {
      ++limited;
      CHECK(r.header("retry-after") == "1");
      CHECK(Json::parse(r.body)["code"] == "rate_limited");
    }
  }
  CHECK(accepted + limited == 12);
  CHECK(limited >= 6);
  CHECK(Clock::now() - started < 5s);  // the adapter's answer timeout is 5 s: nothing waited for it
}

namespace {

// Runs `command` with /bin/sh; its standard output, and its exit status in `status`.
std::string run_command(const std::string& command, int* status) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  const int raw = ::pclose(pipe);
  *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return out;
}

}  // namespace

TEST_CASE("the Python standard-library client of adapters/http/examples talks to the real hubd over TLS", "[http]") {
  HttpHub h;
  const Credential web = h.issue("test.web");
  const std::string secret_file = h.deployment->dir() + "/test.web.secret";
  std::ofstream(secret_file) << web.secret << "\n";
  const std::string client = "/usr/bin/python3 " + std::string(HUB_SOURCE_DIR) +
                             "/adapters/http/examples/xh_http_client.py --url https://127.0.0.1:" +
                             std::to_string(h.port()) + " --key-id " + web.key_id + " --secret-file " + secret_file +
                             " --ca-file " + h.pki.ca_file + " ";
  auto receiver = h.deployment->client("test.receiver");
  receiver->hello();
  REQUIRE(receiver->wait_kind("welcome"));

  int status = -1;
  const std::string sent = run_command(client + "send PY-1 test.faulty '' '{\"note\":\"来自 Python\"}'", &status);
  INFO(sent);
  REQUIRE(status == 0);
  const Json accepted = Json::parse(sent);
  CHECK(accepted["kind"] == "accepted");
  const auto case_id = accepted["case"].get<std::int64_t>();

  const auto delivery = receiver->wait_kind("delivery");
  REQUIRE(delivery);
  CHECK((*delivery)["payload"]["note"] == "来自 Python");
  receiver->ack_delivery((*delivery)["delivery"].get<std::int64_t>());
  receiver->reply((*delivery)["delivery"].get<std::int64_t>(), "R-PY-1", true, "done", Json{{"note", "收到"}});

  const std::string read = run_command(client + "read " + std::to_string(case_id), &status);
  INFO(read);
  REQUIRE(status == 0);
  CHECK(Json::parse(read)["kind"] == "case");

  // The inbox: the forwarded reply, printed and acked by the client.
  const auto give_up = Clock::now() + kPatience;
  std::string inbox;
  while (inbox.find("\"kind\": \"reply\"") == std::string::npos && Clock::now() < give_up) {
    inbox += run_command(client + "inbox", &status);
    REQUIRE(status == 0);
  }
  INFO(inbox);
  CHECK_THAT(inbox, Catch::Contains("收到"));
  REQUIRE(wait_until(*h.deployment, "SELECT count(*) FROM replies WHERE acked_at IS NOT NULL", "1"));

  // A batch: one answer line per case, in order.
  const std::string batch_file = h.deployment->dir() + "/batch.json";
  std::ofstream(batch_file) << R"([{"reference":"PY-B1","type":"test.faulty","compound":"","payload":{}},)"
                            << R"({"reference":"PY-B2","type":"test.nope","compound":"","payload":{}}])";
  const std::string batch = run_command(client + "send-batch " + batch_file, &status);
  INFO(batch);
  REQUIRE(status == 0);
  const auto newline = batch.find('\n');
  REQUIRE(newline != std::string::npos);
  const Json batch_first = Json::parse(batch.substr(0, newline));
  const Json batch_second = Json::parse(batch.substr(newline + 1));
  CHECK(batch_first["reference"] == "PY-B1");
  CHECK(batch_first["http_status"] == 201);
  CHECK(batch_second["reference"] == "PY-B2");
  CHECK(batch_second["code"] == "unknown_case_type");
  const auto batched = receiver->wait_kind("delivery");
  REQUIRE(batched);
  CHECK((*batched)["reference"] == "PY-B1");
  receiver->ack_delivery((*batched)["delivery"].get<std::int64_t>());

  // A refusal is printed on standard error with a non-zero status.
  run_command(client + "read 987654321 2>/dev/null", &status);
  CHECK(status == 1);

  // A file: uploaded, named in a case, received with it, fetched back and checked by the client.
  const std::string pdf = h.deployment->dir() + "/现场检查.pdf", fetched = h.deployment->dir() + "/fetched.pdf";
  std::ofstream(pdf, std::ios::binary) << "%PDF-1.7\n" << std::string(70000, 'z');
  const std::string uploaded = run_command(client + "upload '" + pdf + "'", &status);
  INFO(uploaded);
  REQUIRE(status == 0);
  const std::string sha256 = Json::parse(uploaded)["sha256"].get<std::string>();
  const std::string with_file =
      run_command(client + "send PY-2 test.faulty '' '{}' --attach " + sha256 + "=现场检查.pdf", &status);
  INFO(with_file);
  REQUIRE(status == 0);
  const auto file_case = Json::parse(with_file)["case"].get<std::int64_t>();
  const auto carried = receiver->wait_kind("delivery");
  REQUIRE(carried);
  CHECK((*carried)["attachments"][0]["name"] == "现场检查.pdf");
  CHECK((*carried)["attachments"][0]["size"] == 70009);
  run_command(client + "fetch " + std::to_string(file_case) + " " + sha256 + " '" + fetched + "'", &status);
  REQUIRE(status == 0);
  std::ifstream original(pdf, std::ios::binary), copy(fetched, std::ios::binary);
  CHECK(std::string(std::istreambuf_iterator<char>(copy), {}) == std::string(std::istreambuf_iterator<char>(original), {}));
}
