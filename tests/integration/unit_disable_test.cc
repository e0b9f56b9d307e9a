// Disabling a unit (docs/OPERATIONS.md, "Disabling a unit") against the real
// hubd: the operator's hubctl disables it, its next message is refused unread
// with unit_disabled and nothing of it is stored, deliveries to it wait unsent
// and uncounted and are listed, enabling sends them; the change is recorded
// with the kernel's name of the operator. With two hubs on one database, a
// unit disabled through one hub's socket is refused by the other at once.
// Deadlines run on for a disabled receiver: its chain is told, it is not.
#include <catch2/catch.hpp>

#include <chrono>

#include "test_hub.h"
#include "util/time_parse.h"

using hub::Json;
using namespace hub::testing;
using namespace std::chrono_literals;

namespace {

bool is_delivery(const Json& j) { return j.value("kind", "") == "delivery"; }

// The next answer that is not a delivery (heartbeat, error, ...).
std::optional<Json> next_answer(UnitClient& unit, std::chrono::milliseconds timeout = 10s) {
  return unit.wait_for([](const Json& j) { return !is_delivery(j); }, timeout);
}

// Sends heartbeats until the hub answers one with an error, at most `timeout`: that error.
std::optional<Json> refused_within(UnitClient& unit, std::chrono::milliseconds timeout) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < give_up) {
    unit.send({{"kind", "heartbeat"}});
    auto answer = next_answer(unit, 1s);  // refusals are answered at most once a second
    if (answer && (*answer)["kind"] == "error") return answer;
  }
  return std::nullopt;
}

std::int64_t delivery_of(const Json& accepted) { return accepted["deliveries"][0]["delivery"].get<std::int64_t>(); }

}  // namespace

TEST_CASE("a disabled unit is refused unread, its deliveries wait unsent and listed, and enabling sends them",
          "[disable][ops][e2e]") {
  TestDeployment d;
  HubProcess hubd(d);
  hubd.start();
  auto sender = d.client("test.sender");
  auto receiver = d.client("test.receiver");
  receiver->hello();
  REQUIRE(receiver->wait_kind("welcome"));
  const auto first = delivery_of(send_accepted(*sender, "DIS-1", "test.faulty", "", Json::object()));
  REQUIRE(receiver->wait_for([&](const Json& j) { return is_delivery(j) && j["delivery"] == first; }));
  receiver->ack_delivery(first);
  REQUIRE(wait_until(d, "SELECT state FROM deliveries WHERE id = " + std::to_string(first), "acked"));

  // The reason is the operator's text: printed escaped, never as a terminal control.
  int code = -1;
  const std::string out = hubctl(d, "unit disable test.receiver --reason '密钥可能泄露 \x1b[31mred'", &code);
  INFO(out);
  REQUIRE(code == 0);
  CHECK_THAT(out, Catch::Contains("disabled unit test.receiver 测试接收单位"));
  const std::string me = expected_operator();
  CHECK(query_one(d, "SELECT detail->>'operator' FROM events WHERE kind = 'operator' AND to_unit = 'test.receiver' "
                     "AND detail->>'action' LIKE 'disable unit test.receiver%'") == me);
  CHECK(wait_for_log(hubd, "operator " + me + ": disable unit test.receiver: 密钥可能泄露 \\x1b[31mred"));
  CHECK(query_one(d, "SELECT disabled::text || ' ' || changed_by FROM unit_status WHERE unit = 'test.receiver'") ==
        "true " + me);
  // Disabling again changes nothing and records nothing.
  CHECK_THAT(hubctl(d, "unit disable test.receiver", &code), Catch::Contains("already DISABLED"));
  CHECK(code == 0);

  // Its next message is refused before it is read: a reply to its delivery is not stored, nor is its refusal.
  const std::string rejected_before = query_one(d, "SELECT count(*) FROM events WHERE kind = 'rejected'");
  receiver->reply(first, "DIS-R-1", true, "done", Json::object());
  auto refused = next_answer(*receiver);
  REQUIRE(refused);
  CHECK((*refused)["kind"] == "error");
  CHECK((*refused)["code"] == "unit_disabled");
  CHECK((*refused)["retry"] == false);
  CHECK_FALSE(refused->contains("reference"));  // not read
  CHECK(query_one(d, "SELECT count(*) FROM replies") == "0");
  CHECK(query_one(d, "SELECT count(*) FROM events WHERE kind = 'rejected'") == rejected_before);

  // Cases for it are accepted and their deliveries wait: not sent, attempts uncounted, not parked.
  const auto second = delivery_of(send_accepted(*sender, "DIS-2", "test.faulty", "", Json::object()));
  const auto third = delivery_of(send_accepted(*sender, "DIS-3", "test.faulty", "", Json::object()));
  const std::string waiting = "SELECT string_agg(state || ' ' || attempts, ', ' ORDER BY id) FROM deliveries WHERE id IN (" +
                              std::to_string(second) + ", " + std::to_string(third) + ")";
  // Three backoffs (300 ms) and several claim ticks would have sent and parked them by now.
  CHECK_FALSE(receiver->wait_for(is_delivery, 1500ms));
  CHECK(query_one(d, waiting) == "pending 0, pending 0");

  const std::string shown = hubctl(d, "unit show test.receiver", &code);
  INFO(shown);
  CHECK(code == 0);
  CHECK_THAT(shown, Catch::Contains("DISABLED (停用) since"));
  CHECK_THAT(shown, Catch::Contains("by " + me + ": 密钥可能泄露 \\x1b[31mred"));
  CHECK(shown.find('\x1b') == std::string::npos);
  CHECK_THAT(shown, Catch::Contains("2 deliveries, 0 replies, 0 updates"));
  CHECK_THAT(shown, Catch::Contains("delivery " + std::string(8 - std::to_string(second).size(), ' ') +
                                    std::to_string(second)));
  CHECK_THAT(shown, Catch::Contains("test.faulty 故障测试  from test.sender"));
  const std::string listed = hubctl(d, "unit list --disabled", &code);
  CHECK(code == 0);
  CHECK_THAT(listed, Catch::Contains("test.receiver"));
  CHECK_THAT(listed, !Catch::Contains("test.sender"));
  CHECK_THAT(hubctl(d, "log --unit test.receiver"), Catch::Contains("hub → test.receiver                  | operator " +
                                                                    me + ": disable unit test.receiver: 密钥可能泄露"));

  // Enabled again: what waited is sent (from its first attempt) and acked.
  const std::string enabled = hubctl(d, "unit enable test.receiver", &code);
  INFO(enabled);
  CHECK(code == 0);
  CHECK_THAT(enabled, Catch::Contains("enabled unit test.receiver"));
  receiver->send({{"kind", "heartbeat"}});
  for (const auto id : {second, third}) {
    auto sent = receiver->wait_for([&](const Json& j) { return is_delivery(j) && j["delivery"] == id; });
    REQUIRE(sent);
    CHECK((*sent)["attempt"] == 1);
    receiver->ack_delivery(id);
  }
  CHECK(wait_until(d, "SELECT string_agg(state, ', ') FROM deliveries WHERE id IN (" + std::to_string(second) + ", " +
                          std::to_string(third) + ")",
                   "acked, acked"));
  CHECK(query_one(d, "SELECT count(*) FROM events WHERE kind = 'operator' AND to_unit = 'test.receiver' AND "
                     "detail->>'action' = 'enable unit test.receiver' AND detail->>'operator' = '" + me + "'") == "1");
  CHECK_THAT(hubctl(d, "unit enable test.receiver", &code), Catch::Contains("is not disabled; nothing changed"));
  CHECK(hubd.log().find('\x1b') == std::string::npos);
  CHECK(hubd.stop() == 0);
}

TEST_CASE("a unit disabled through one hub is refused at once by the other hub on the database", "[disable][hubs][e2e]") {
  TestDeployment first;
  TestDeployment second({.max_attempts = 3, .backoff_ms = 300, .extra_yaml = "", .shared_database = first.conninfo(),
                         .hub_id = "hub-b", .keys_from = ""});
  HubProcess a(first, {"--hub-id", "hub-a"}), b(second);
  a.start();
  b.start();
  auto sender = first.client("test.sender");       // at hub A
  auto receiver = second.client("test.receiver");  // at hub B
  receiver->hello();
  REQUIRE(receiver->wait_kind("welcome"));

  int code = -1;
  hubctl(first, "unit disable test.receiver --reason test", &code);  // A's operator socket
  REQUIRE(code == 0);
  const auto disabled_at = std::chrono::steady_clock::now();
  // B hears it by NOTIFY (it has no periodic reload): its log says so, and its next answer is the refusal.
  REQUIRE(wait_for_log(b, "disabled by an operator: test.receiver", 2s));
  auto refused = refused_within(*receiver, 2s);
  const auto took = std::chrono::steady_clock::now() - disabled_at;
  REQUIRE(refused);
  CHECK((*refused)["code"] == "unit_disabled");
  CHECK(took < 2s);

  // A case for it through A waits at B, unsent.
  const auto id = delivery_of(send_accepted(*sender, "HUBS-DIS-1", "test.faulty", "", Json::object()));
  CHECK_FALSE(receiver->wait_for(is_delivery, 1000ms));
  CHECK(query_one(first, "SELECT state || ' ' || attempts FROM deliveries WHERE id = " + std::to_string(id)) ==
        "pending 0");

  // Enabled through B's socket: A hears of it too, and B sends the delivery.
  hubctl(second, "unit enable test.receiver", &code);
  REQUIRE(code == 0);
  CHECK(wait_for_log(a, "enabled again by an operator: test.receiver", 2s));
  receiver->send({{"kind", "heartbeat"}});
  auto sent = receiver->wait_for([&](const Json& j) { return is_delivery(j) && j["delivery"] == id; });
  REQUIRE(sent);
  receiver->ack_delivery(id);
  CHECK(wait_until(first, "SELECT state FROM deliveries WHERE id = " + std::to_string(id), "acked"));
  CHECK(a.stop() == 0);
  CHECK(b.stop() == 0);
}

TEST_CASE("hubctl unit names what is wrong with an unknown unit or a bad command, and changes nothing",
          "[disable][ops][cli]") {
  TestDeployment d;
  HubProcess hubd(d);
  hubd.start();
  const struct {
    const char* args;
    int code;
    const char* says;
  } wrong[] = {
      {"unit disable pm.jinxu", 1, "no unit 'pm.jinxu' in this hub's configuration (did you mean 'pm.jinxiu'?): "
                                   "check the id; 'hubctl unit list' lists every unit"},
      {"unit enable nobody.here", 1, "no unit 'nobody.here'"},
      {"unit show 'PM Jinxiu'", 1, "'PM Jinxiu' is not a unit id"},
      {"unit freeze pm.jinxiu", 2, "say what to do: disable, enable, show or list"},
      {"unit disable", 2, "give one unit id after 'disable'"},
      {"unit list --reason x", 2, "--reason goes with disable"},
  };
  int code = -1;
  for (const auto& w : wrong) {
    const std::string out = hubctl(d, w.args, &code);
    INFO(w.args << ": " << out);
    CHECK(code == w.code);
    CHECK_THAT(out, Catch::Contains(w.says));
  }
  CHECK(query_one(d, "SELECT count(*) FROM unit_status") == "0");
  CHECK(query_one(d, "SELECT count(*) FROM events WHERE kind = 'operator'") == "0");
  CHECK_THAT(hubctl(d, "unit list --disabled", &code), Catch::Contains("no unit is disabled"));
  CHECK(code == 0);
  CHECK(hubd.stop() == 0);
}

TEST_CASE("a disabled receiver's deadlines run on: its chain is told when it is overdue, it gets its work when enabled",
          "[disable][deadlines]") {
  TestDeployment d;
  InProcessHub hub(d, *hub::parse_iso8601("2026-12-07T09:00:00+08:00"));
  auto sender = d.client("test.sender");
  auto company = d.client("pm.jinxiu");
  auto community = d.client("community.jianshe");
  company->hello();
  community->hello();
  REQUIRE(company->wait_kind("welcome"));
  REQUIRE(community->wait_kind("welcome"));
  int code = -1;
  hubctl(d, "unit disable pm.jinxiu --reason 'system down for maintenance'", &code);
  REQUIRE(code == 0);
  const auto case_id = send_accepted(*sender, "DL-1", "test.routed", "jinxiu", Json::object())["case"].get<std::int64_t>();
  const std::string id = query_one(d, "SELECT id FROM deliveries WHERE case_id = " + std::to_string(case_id));

  // Sign by 13:00: the reminder at 12:00 waits for the company; the notice at 13:00 reaches the community.
  hub.clock().set(*hub::parse_iso8601("2026-12-07T12:00:00+08:00"));
  REQUIRE(wait_until(d, "SELECT count(*) FROM updates WHERE kind = 'reminder' AND delivery_id = " + id, "1"));
  hub.clock().set(*hub::parse_iso8601("2026-12-07T13:00:00+08:00"));
  auto notice = community->wait_for([](const Json& j) { return is_delivery(j); });
  REQUIRE(notice);
  CHECK((*notice)["escalation"]["responsible"] == "pm.jinxiu");
  CHECK_FALSE(company->wait_for([](const Json& j) { return is_delivery(j) || j.value("kind", "") == "reminder"; }, 600ms));
  CHECK(query_one(d, "SELECT state || ' ' || attempts FROM deliveries WHERE id = " + id) == "pending 0");

  // Enabled: the company, still connected, gets the delivery and the reminder without asking.
  hubctl(d, "unit enable pm.jinxiu", &code);
  REQUIRE(code == 0);
  auto delivery = company->wait_for([](const Json& j) { return is_delivery(j); });
  REQUIRE(delivery);
  CHECK((*delivery)["delivery"] == std::stoll(id));
  CHECK((*delivery)["attempt"] == 1);
  CHECK(company->wait_kind("reminder"));
}
