// The case lifecycle end to end, in a hub running inside the test on a manual
// clock: sign, progress, resolve, close and reopen; returns re-routed;
// extensions asked and granted; the originator told every change; refusals
// that leave the case as it was.
#include <catch2/catch.hpp>

#include "test_hub.h"
#include "util/time_parse.h"

using hub::Json;
using namespace hub::testing;

namespace {

hub::TimePoint local(const char* text) { return *hub::parse_iso8601(text); }

// Monday 2026-12-07 09:00 in Xinhui: an ordinary working week follows.
const char* kMonday = "2026-12-07T09:00:00+08:00";

// Sends a lifecycle request and returns the hub's answer to it.
Json ask(UnitClient& unit, Json request) {
  const std::string reference = request["reference"];
  unit.send(request);
  auto answer = unit.wait_answer(reference);
  REQUIRE(answer);
  return *answer;
}

// Sends test.routed for `compound` (its servicer receives it); returns the case id.
std::int64_t send_routed(UnitClient& sender, const std::string& reference, const std::string& compound) {
  return send_accepted(sender, reference, "test.routed", compound, Json::object())["case"].get<std::int64_t>();
}

// Waits for the delivery of `case_id`, acks it, returns it.
Json receive(UnitClient& receiver, std::int64_t case_id) {
  auto d = receiver.wait_for([&](const Json& j) {
    return j.value("kind", "") == "delivery" && j.value("case", std::int64_t{0}) == case_id;
  });
  REQUIRE(d);
  receiver.ack_delivery((*d)["delivery"].get<std::int64_t>());
  return *d;
}

// Waits for the state update announcing `change` on `delivery`, acks it, returns it.
Json state_update(UnitClient& unit, std::int64_t delivery, const std::string& change) {
  auto u = unit.wait_for([&](const Json& j) {
    return j.value("kind", "") == "state" && j.value("delivery", std::int64_t{0}) == delivery &&
           j.value("change", "") == change;
  });
  INFO("waiting for state change " << change << " of delivery " << delivery);
  REQUIRE(u);
  unit.send({{"kind", "ack"}, {"update", (*u)["update"]}});
  return *u;
}

std::string stage_of(const TestDeployment& d, std::int64_t delivery) {
  return query_one(d, "SELECT stage FROM deliveries WHERE id = " + std::to_string(delivery));
}

void reply(UnitClient& unit, std::int64_t delivery, const std::string& reference, bool final) {
  unit.reply(delivery, reference, final, final ? "done" : "", {{"note", final ? "已处理" : "处理中"}});
  auto a = unit.wait_answer(reference);
  REQUIRE(a);
  REQUIRE((*a)["kind"] == "reply_accepted");
}

// A hub on Monday morning with the originator, jinxiu's property company and
// its 镇街 connected, and one test.routed case delivered to the company.
struct OneCase {
  explicit OneCase(const std::string& reference) {
    for (auto* unit : {sender.get(), company.get(), subdistrict.get()}) unit->hello();
    case_id = send_routed(*sender, reference, "jinxiu");
    delivery = receive(*company, case_id);
    id = delivery["delivery"].get<std::int64_t>();
  }
  TestDeployment d;
  InProcessHub hub{d, local(kMonday)};
  std::unique_ptr<UnitClient> sender = d.client("test.sender");
  std::unique_ptr<UnitClient> company = d.client("pm.jinxiu");
  std::unique_ptr<UnitClient> subdistrict = d.client("sd.xinzhou");
  std::int64_t case_id = 0;
  Json delivery;
  std::int64_t id = 0;
};

}  // namespace

TEST_CASE("a delivery is signed, handled, resolved and closed, the originator hears each step", "[lifecycle]") {
  OneCase one("L-1");
  auto& [d, hub, sender, company, subdistrict, case_id, delivery, id] = one;
  // test.routed: sign within 4 h, resolve within 2 working days (end of Wednesday).
  CHECK(delivery["sign_by"] == "2026-12-07T13:00:00+08:00");
  CHECK(delivery["resolve_by"] == "2026-12-10T00:00:00+08:00");
  CHECK(stage_of(d, id) == "dispatched");

  hub.clock().set(local("2026-12-07T10:00:00+08:00"));
  Json signed_ = ask(*company, {{"kind", "sign"}, {"delivery", id}, {"reference", "S-1"}});
  CHECK(signed_["kind"] == "transition_accepted");
  CHECK(signed_["deliveries"][0]["stage"] == "signed");
  const Json told = state_update(*sender, id, "signed");
  CHECK(told["by"] == "pm.jinxiu");
  CHECK(told["at"] == "2026-12-07T10:00:00+08:00");
  CHECK(told["detail"]["on_time"] == true);
  // The same request again is answered the same, and changes nothing.
  CHECK(ask(*company, {{"kind", "sign"}, {"delivery", id}, {"reference", "S-1"}})["duplicate"] == true);

  reply(*company, id, "P-1", false);
  state_update(*sender, id, "in_progress");
  CHECK(stage_of(d, id) == "in_progress");

  hub.clock().set(local("2026-12-08T16:00:00+08:00"));
  reply(*company, id, "F-1", true);
  const Json resolved = state_update(*sender, id, "resolved");
  CHECK(resolved["detail"]["on_time"] == true);
  CHECK(resolved["detail"]["outcome"] == "done");

  CHECK_THAT(hubctl(d, "case " + std::to_string(case_id)), Catch::Contains("(resolved)"));
  Json closed = ask(*sender, {{"kind", "close"}, {"case", case_id}, {"reference", "C-1"}});
  CHECK(closed["deliveries"][0]["stage"] == "closed");
  state_update(*company, id, "closed");  // the receiver learns what the originator did

  // Closed is final: a late reply is refused and nothing changes.
  company->reply(id, "F-2", false, "", {{"note", "补充"}});
  auto late = company->wait_answer("F-2");
  REQUIRE(late);
  CHECK((*late)["code"] == "case_closed");
  CHECK(stage_of(d, id) == "closed");
  CHECK_THAT(hubctl(d, "case " + std::to_string(case_id)), Catch::Contains("(closed)"));
  CHECK(query_one(d, "SELECT string_agg(kind, ',' ORDER BY id) FROM events WHERE delivery_id = " + std::to_string(id) +
                         " AND kind IN ('signed', 'in_progress', 'resolved', 'closed')") ==
        "signed,in_progress,resolved,closed");
}

TEST_CASE("a request from the wrong unit or at the wrong time is refused and changes nothing", "[lifecycle]") {
  OneCase one("B-1");
  auto& [d, hub, sender, company, subdistrict, case_id, delivery, id] = one;
  auto other = d.client("pm.anju");

  auto refused = [&](UnitClient& unit, Json request) {
    const Json a = ask(unit, std::move(request));
    CHECK(a["kind"] == "error");
    CHECK_FALSE(a["message"].get<std::string>().empty());
    return a["code"].get<std::string>();
  };
  CHECK(refused(*other, {{"kind", "sign"}, {"delivery", id}, {"reference", "X-1"}}) == "not_receiver");
  CHECK(refused(*company, {{"kind", "return"}, {"delivery", id}, {"reference", "X-2"}}) == "reason_required");
  CHECK(refused(*company, {{"kind", "close"}, {"case", case_id}, {"reference", "X-3"}}) == "not_originator");
  CHECK(refused(*sender, {{"kind", "close"}, {"case", case_id}, {"reference", "X-4"}}) == "illegal_transition");
  CHECK(refused(*sender, {{"kind", "reopen"}, {"case", case_id}, {"reference", "X-5"}, {"reason", "?"}}) ==
        "illegal_transition");
  CHECK(refused(*company, {{"kind", "sign"}, {"delivery", 999999}, {"reference", "X-6"}}) == "unknown_delivery");
  CHECK(refused(*sender, {{"kind", "close"}, {"case", 999999}, {"reference", "X-7"}}) == "unknown_case");
  CHECK(refused(*company, {{"kind", "return"}, {"delivery", id}, {"reference", "X-9"}, {"reason", std::string("a\0b", 3)}}) ==
        "control_character");  // PostgreSQL text cannot hold U+0000: refused at the door

  // An extension must be asked before the deadline (end of Wednesday).
  hub.clock().set(local("2026-12-10T08:00:00+08:00"));
  CHECK(refused(*company, {{"kind", "extend"}, {"delivery", id}, {"reference", "X-8"}, {"reason", "材料未齐"},
                           {"until", "2026-12-14T00:00:00+08:00"}}) == "deadline_passed");
  CHECK(stage_of(d, id) == "dispatched");
  CHECK(query_one(d, "SELECT extension_until IS NULL AND signed_at IS NULL FROM deliveries WHERE id = " +
                         std::to_string(id)) == "t");
  CHECK(query_one(d, "SELECT count(*) FROM events WHERE delivery_id = " + std::to_string(id) +
                         " AND kind IN ('signed', 'returned', 'closed', 'reopened', 'extension_requested')") == "0");
}

TEST_CASE("a returned delivery goes to the sub-district, which assigns it to the right unit", "[lifecycle]") {
  OneCase one("R-1");
  auto& [d, hub, sender, company, subdistrict, case_id, delivery, id] = one;

  hub.clock().set(local("2026-12-07T11:00:00+08:00"));
  Json a = ask(*company, {{"kind", "return"}, {"delivery", id}, {"reference", "RT-1"}, {"reason", "该楼栋已移交恒安物业"}});
  CHECK(a["deliveries"][0]["stage"] == "returned");
  CHECK(state_update(*sender, id, "returned")["detail"]["reason"] == "该楼栋已移交恒安物业");
  const Json rerouted = state_update(*sender, id, "rerouted");
  CHECK(rerouted["detail"]["to"] == Json::array({"sd.xinzhou"}));
  CHECK(rerouted["detail"]["decide"] == true);

  // No other route reaches anyone else, so the compound's 镇街 decides; its
  // deadlines count from the return.
  const Json decide = receive(*subdistrict, case_id);
  CHECK(decide["returned"]["by"] == "pm.jinxiu");
  CHECK(decide["returned"]["reason"] == "该楼栋已移交恒安物业");
  CHECK(decide["returned"]["decide"] == true);
  CHECK(decide["sign_by"] == "2026-12-07T15:00:00+08:00");
  const auto decide_id = decide["delivery"].get<std::int64_t>();
  CHECK(stage_of(d, decide_id) == "dispatched");

  // 新州街道 decides: 恒安物业 is to handle it. Only a unit that exists and
  // does not hold the case already may be named.
  CHECK(ask(*subdistrict, {{"kind", "assign"}, {"delivery", decide_id}, {"reference", "AS-0"}, {"to", "pm.nobody"}})
            ["code"] == "unknown_unit");
  CHECK(ask(*company, {{"kind", "assign"}, {"delivery", id}, {"reference", "AS-1"}, {"to", "pm.hengan"}})["code"] ==
        "illegal_transition");  // pm.jinxiu's own delivery is returned; it decides nothing
  auto hengan = d.client("pm.hengan");
  hengan->hello();
  hub.clock().set(local("2026-12-07T14:00:00+08:00"));
  Json assigned = ask(*subdistrict, {{"kind", "assign"}, {"delivery", decide_id}, {"reference", "AS-2"},
                                     {"to", "pm.hengan"}, {"reason", "6号楼已移交恒安物业"}});
  CHECK(assigned["deliveries"][0]["stage"] == "resolved");
  const Json handed = receive(*hengan, case_id);
  CHECK(handed["assigned"]["by"] == "sd.xinzhou");
  CHECK(handed["assigned"]["reason"] == "6号楼已移交恒安物业");
  CHECK(handed["sign_by"] == "2026-12-07T18:00:00+08:00");  // its own deadlines, from the assignment
  CHECK(state_update(*sender, decide_id, "resolved")["detail"]["outcome"] == "assigned");
  CHECK(state_update(*sender, decide_id, "rerouted")["detail"]["to"] == Json::array({"pm.hengan"}));
}

TEST_CASE("an extension asked in time is granted by the unit config names, and moves the deadline", "[lifecycle]") {
  OneCase one("E-1");
  auto& [d, hub, sender, company, subdistrict, case_id, delivery, id] = one;

  hub.clock().set(local("2026-12-08T09:00:00+08:00"));
  ask(*company, {{"kind", "extend"}, {"delivery", id}, {"reference", "EX-1"}, {"reason", "需供水公司配合检修"},
                 {"until", "2026-12-12T00:00:00+08:00"}});
  auto request = subdistrict->wait_kind("extension_request");
  REQUIRE(request);
  CHECK((*request)["delivery"] == id);
  CHECK((*request)["receiver"] == "pm.jinxiu");
  CHECK((*request)["until"] == "2026-12-12T00:00:00+08:00");
  CHECK((*request)["reason"] == "需供水公司配合检修");
  subdistrict->send({{"kind", "ack"}, {"update", (*request)["update"]}});
  state_update(*sender, id, "extension_requested");

  // Only the approver decides.
  CHECK(ask(*sender, {{"kind", "grant_extension"}, {"delivery", id}, {"reference", "G-0"}})["code"] == "not_approver");
  ask(*subdistrict, {{"kind", "grant_extension"}, {"delivery", id}, {"reference", "G-1"}});
  const Json granted = state_update(*company, id, "extension_granted");
  CHECK(granted["resolve_by"] == "2026-12-12T00:00:00+08:00");
  state_update(*sender, id, "extension_granted");
  CHECK(query_one(d, "SELECT extensions FROM deliveries WHERE id = " + std::to_string(id)) == "1");
}

TEST_CASE("a reopened delivery is in progress again with a new period, and counts against the resolver", "[lifecycle]") {
  OneCase one("O-1");
  auto& [d, hub, sender, company, subdistrict, case_id, delivery, id] = one;
  reply(*company, id, "OF-1", true);
  state_update(*sender, id, "resolved");

  hub.clock().set(local("2026-12-08T09:00:00+08:00"));
  CHECK(ask(*sender, {{"kind", "reopen"}, {"case", case_id}, {"reference", "RO-1"}, {"reason", "业主反映仍漏水"}})
            ["deliveries"][0]["stage"] == "in_progress");
  const Json reopened = state_update(*company, id, "reopened");
  CHECK(reopened["detail"]["reason"] == "业主反映仍漏水");
  // Two working days from Tuesday: the end of Thursday.
  CHECK(reopened["resolve_by"] == "2026-12-11T00:00:00+08:00");
  CHECK(query_one(d, "SELECT reopens || ' ' || stage FROM deliveries WHERE id = " + std::to_string(id)) == "1 in_progress");
  reply(*company, id, "OF-2", true);  // a new final reply is allowed again
  state_update(*sender, id, "resolved");
}

TEST_CASE("an update its recipient never acks is parked, listed, and sent again on replay", "[lifecycle]") {
  OneCase one("U-1");
  auto& [d, hub, sender, company, subdistrict, case_id, delivery, id] = one;
  ask(*company, {{"kind", "sign"}, {"delivery", id}, {"reference", "US-1"}});
  // The test deployment parks after 3 unacked sends, 300 ms apart and more.
  REQUIRE(poll_until(d, hub.clock(), "SELECT state FROM updates WHERE recipient = 'test.sender'", "parked",
                     std::chrono::seconds(1)));
  const std::string update = query_one(d, "SELECT id FROM updates WHERE recipient = 'test.sender'");
  CHECK_THAT(hubctl(d, "parked"), Catch::Contains("update " + std::string(8 - update.size(), ' ') + update) &&
                                      Catch::Contains("state") && Catch::Contains("not acknowledged after 3 attempts"));
  int code = -1;
  hubctl(d, "replay --update " + update, &code);
  CHECK(code == 0);
  state_update(*sender, id, "signed");  // sent again, and acked this time
  REQUIRE(wait_until(d, "SELECT state FROM updates WHERE id = " + update, "acked"));
  CHECK_THAT(hubctl(d, "case " + std::to_string(case_id)), Catch::Contains("signed") && Catch::Contains("sign by 2026-12-07 13:00"));
}
