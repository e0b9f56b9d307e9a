// Reading a case (protocol "read") in a hub running inside the test on a
// manual clock: the originator sees every delivery and reply, a receiver only
// its own, an escalation notice's receiver may read too, anyone else is told
// the case does not exist; malformed reads, an unreachable database, and what
// one answer carries at most.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "store/case_read.h"
#include "test_database.h"
#include "test_hub.h"
#include "util/time_parse.h"

using hub::Json;
using namespace hub::testing;

namespace {

hub::TimePoint local(const char* text) { return *hub::parse_iso8601(text); }

// Monday 2026-12-07 09:00 in Xinhui: an ordinary working week follows.
const char* kMonday = "2026-12-07T09:00:00+08:00";

// Reads `case_id` as `unit` and returns the answer ("case" or "error").
Json read_case(UnitClient& unit, std::int64_t case_id) {
  unit.send({{"kind", "read"}, {"case", case_id}});
  auto answer = unit.wait_for([&](const Json& j) {
    return j.value("request", "") == "read" && j.value("case", std::int64_t{0}) == case_id;
  });
  INFO("no answer to a read of case " << case_id);
  REQUIRE(answer);
  return *answer;
}

// Waits for the delivery of `case_id`, acks it, returns its id.
std::int64_t receive(UnitClient& receiver, std::int64_t case_id) {
  auto d = receiver.wait_for([&](const Json& j) {
    return j.value("kind", "") == "delivery" && j.value("case", std::int64_t{0}) == case_id;
  });
  REQUIRE(d);
  const auto id = (*d)["delivery"].get<std::int64_t>();
  receiver.ack_delivery(id);
  return id;
}

// Sends a request or reply and requires it taken.
void ask(UnitClient& unit, const Json& request) {
  unit.send(request);
  auto answer = unit.wait_answer(request["reference"]);
  REQUIRE(answer);
  INFO(answer->dump());
  REQUIRE((*answer)["kind"] != "error");
}

std::vector<std::int64_t> ids_of(const Json& list, const char* key) {
  std::vector<std::int64_t> out;
  for (const auto& item : list) out.push_back(item[key].get<std::int64_t>());
  return out;
}

// A test.routed case for jinxiu: pm.jinxiu answers in progress and returns
// it; the compound's 镇街 gets it to decide and answers it, final.
struct ReturnedCase {
  ReturnedCase() {
    for (auto* unit : {sender.get(), company.get(), subdistrict.get()}) unit->hello();
    case_id = send_accepted(*sender, "RD-1", "test.routed", "jinxiu", {{"note", "6号楼漏水"}, {"floors", {3, 4.5}}})
                  ["case"]
                      .get<std::int64_t>();
    first = receive(*company, case_id);
    hub.clock().set(local("2026-12-07T10:00:00+08:00"));
    ask(*company, {{"kind", "reply"}, {"delivery", first}, {"reference", "P-1"}, {"final", false},
                   {"body", {{"note", "处理中"}}}});
    ask(*company, {{"kind", "return"}, {"delivery", first}, {"reference", "RT-1"}, {"reason", "该楼栋已移交恒安物业"}});
    second = receive(*subdistrict, case_id);
    ask(*subdistrict, {{"kind", "reply"}, {"delivery", second}, {"reference", "F-1"}, {"final", true},
                       {"outcome", "done"}, {"body", {{"note", "已协调"}}}});
  }
  TestDeployment d;
  InProcessHub hub{d, local(kMonday)};
  std::unique_ptr<UnitClient> sender = d.client("test.sender");
  std::unique_ptr<UnitClient> company = d.client("pm.jinxiu");
  std::unique_ptr<UnitClient> subdistrict = d.client("sd.xinzhou");
  std::int64_t case_id = 0, first = 0, second = 0;
};

}  // namespace

TEST_CASE("the originator reads its case with every delivery and reply", "[read]") {
  ReturnedCase c;
  const Json j = read_case(*c.sender, c.case_id);
  INFO(j.dump());
  CHECK(j["kind"] == "case");
  CHECK(j["type"] == "test.routed");
  CHECK(j["origin"] == "test.sender");
  CHECK(j["reference"] == "RD-1");
  CHECK(j["compound"] == "jinxiu");
  CHECK(j["created_at"] == kMonday);
  CHECK(j["payload"] == Json{{"note", "6号楼漏水"}, {"floors", {3, 4.5}}});
  CHECK_FALSE(j.contains("parked"));
  CHECK(j["deliveries_truncated"] == false);
  CHECK(j["replies_truncated"] == false);

  REQUIRE(ids_of(j["deliveries"], "delivery") == std::vector<std::int64_t>{c.first, c.second});
  const Json& returned = j["deliveries"][0];
  CHECK(returned["to"] == "pm.jinxiu");
  CHECK(returned["notice"] == false);
  CHECK(returned["stage"] == "returned");
  CHECK(returned["return_reason"] == "该楼栋已移交恒安物业");
  CHECK(returned["dispatched_at"] == kMonday);
  CHECK(returned["sign_by"] == "2026-12-07T13:00:00+08:00");
  CHECK(returned.contains("resolve_by"));
  CHECK(returned["escalations"] == Json{{"sign", 0}, {"resolve", 0}});
  const Json& decided = j["deliveries"][1];
  CHECK(decided["to"] == "sd.xinzhou");
  CHECK(decided["stage"] == "resolved");
  CHECK(decided["resolved_at"] == "2026-12-07T10:00:00+08:00");
  CHECK(decided["returned"]["by"] == "pm.jinxiu");
  CHECK(decided["returned"]["decide"] == true);

  REQUIRE(j["replies"].size() == 2);
  CHECK(j["replies"][0]["from"] == "pm.jinxiu");
  CHECK(j["replies"][0]["delivery"] == c.first);
  CHECK(j["replies"][0]["final"] == false);
  CHECK_FALSE(j["replies"][0].contains("outcome"));
  CHECK(j["replies"][0]["body"] == Json{{"note", "处理中"}});
  CHECK(j["replies"][1]["from"] == "sd.xinzhou");
  CHECK(j["replies"][1]["reference"] == "F-1");
  CHECK(j["replies"][1]["final"] == true);
  CHECK(j["replies"][1]["outcome"] == "done");
  CHECK(j["replies"][1]["at"] == "2026-12-07T10:00:00+08:00");
  // Reads a unit is allowed change nothing and record nothing.
  CHECK(query_one(c.d, "SELECT count(*) FROM events WHERE kind = 'rejected'") == "0");
}

TEST_CASE("a receiver reads the case with its own deliveries and replies only", "[read]") {
  ReturnedCase c;
  const Json company = read_case(*c.company, c.case_id);
  INFO(company.dump());
  CHECK(company["kind"] == "case");
  CHECK(company["payload"]["note"] == "6号楼漏水");
  CHECK(ids_of(company["deliveries"], "delivery") == std::vector<std::int64_t>{c.first});
  CHECK(ids_of(company["replies"], "reply").size() == 1);
  CHECK(company["replies"][0]["delivery"] == c.first);

  const Json subdistrict = read_case(*c.subdistrict, c.case_id);
  INFO(subdistrict.dump());
  CHECK(ids_of(subdistrict["deliveries"], "delivery") == std::vector<std::int64_t>{c.second});
  REQUIRE(subdistrict["replies"].size() == 1);
  CHECK(subdistrict["replies"][0]["reference"] == "F-1");
  CHECK(subdistrict["deliveries_truncated"] == false);
}

TEST_CASE("a unit party to nothing is told the case does not exist, exactly as for a missing case", "[read]") {
  ReturnedCase c;
  auto stranger = c.d.client("test.receiver");
  const Json other = read_case(*stranger, c.case_id);
  const std::int64_t missing = c.case_id + 1000;
  const Json absent = read_case(*stranger, missing);
  const Json expected{{"kind", "error"}, {"code", "unknown_case"}, {"retry", false}, {"request", "read"}};
  for (const auto& [answer, id] : {std::pair{other, c.case_id}, std::pair{absent, missing}}) {
    INFO(answer.dump());
    Json rest = answer;
    CHECK(rest["message"] == "no case " + std::to_string(id) + " that your unit is party to");
    rest.erase("message");
    rest.erase("case");
    CHECK(rest == expected);
  }
  // The originator's own missing case gets the same answer.
  CHECK(read_case(*c.sender, missing)["code"] == "unknown_case");
  // Each refusal is in the events (and the routing log) for the operators: who asked for which case.
  REQUIRE(wait_until(c.d, "SELECT count(*) FROM events WHERE kind = 'rejected'", "3"));
  CHECK(query_one(c.d, "SELECT string_agg(from_unit || ':' || (detail->>'case') || ':' || (detail->>'code') || ':' || "
                       "(detail->>'request'), ',' ORDER BY id) FROM events WHERE kind = 'rejected'") ==
        fmt::format("test.receiver:{0}:unknown_case:read,test.receiver:{1}:unknown_case:read,"
                    "test.sender:{1}:unknown_case:read",
                    c.case_id, missing));
}

TEST_CASE("the receiver of an escalation notice reads the case it supervises", "[read]") {
  TestDeployment d;
  InProcessHub hub(d, local(kMonday));
  auto sender = d.client("test.sender");
  auto company = d.client("pm.jinxiu");
  auto community = d.client("community.jianshe");
  company->hello();
  community->hello();
  const auto case_id = send_accepted(*sender, "RD-E", "test.routed", "jinxiu", Json::object())["case"].get<std::int64_t>();
  const auto delivery = receive(*company, case_id);
  // Unsigned at the sign deadline (4 h): level 1 is the compound's community.
  hub.clock().set(local("2026-12-07T13:00:00+08:00"));
  REQUIRE(wait_until(d, "SELECT count(*) FROM events WHERE kind = 'escalated'", "1"));
  const auto notice = receive(*community, case_id);

  const Json j = read_case(*community, case_id);
  INFO(j.dump());
  CHECK(j["kind"] == "case");
  REQUIRE(ids_of(j["deliveries"], "delivery") == std::vector<std::int64_t>{notice});
  const Json& n = j["deliveries"][0];
  CHECK(n["notice"] == true);
  CHECK(n["stage"] == "notice");
  CHECK(n["escalation"]["level"] == 1);
  CHECK(n["escalation"]["responsible"] == "pm.jinxiu");
  CHECK_FALSE(n["escalation"].contains("history"));  // given with the notice, not repeated
  CHECK_FALSE(n.contains("escalations"));
  CHECK(j["replies"] == Json::array());

  // The originator sees the notice too, and the level fired on the delivery.
  const Json all = read_case(*sender, case_id);
  REQUIRE(ids_of(all["deliveries"], "delivery") == std::vector<std::int64_t>{delivery, notice});
  CHECK(all["deliveries"][0]["escalations"] == Json{{"sign", 1}, {"resolve", 0}});
  CHECK(all["deliveries"][0]["stage"] == "dispatched");
}

TEST_CASE("a malformed read is an invalid envelope of a read", "[read]") {
  TestDeployment d;
  InProcessHub hub(d, local(kMonday));
  auto unit = d.client("test.sender");
  for (const char* body : {R"({"kind":"read"})", R"({"kind":"read","case":"12"})", R"({"kind":"read","case":1.5})"}) {
    INFO(body);
    unit->send_raw({"xh1", body});
    auto e = unit->wait_kind("error");
    REQUIRE(e);
    CHECK((*e)["code"] == "invalid_envelope");
    CHECK((*e)["request"] == "read");
    CHECK((*e)["retry"] == false);
  }
}

TEST_CASE("with the database unreachable a read is answered unavailable, and read again once it is back", "[read]") {
  TestDeployment d;
  InProcessHub hub(d, local(kMonday));
  auto sender = d.client("test.sender");
  const auto case_id = send_accepted(*sender, "RD-U", "test.routed", "jinxiu", Json::object())["case"].get<std::int64_t>();
  REQUIRE(read_case(*sender, case_id)["kind"] == "case");  // the reads' connection is open

  const std::string database = query_one(d, "SELECT current_database()");
  auto admin = hub::store::PgConnection::connect(hub::test::TestPostgres::admin_conninfo());
  REQUIRE(admin.ok());
  auto quoted = admin->quote_identifier(database);
  REQUIRE(quoted.ok());
  REQUIRE(admin->exec("ALTER DATABASE " + *quoted + " ALLOW_CONNECTIONS false").ok());
  REQUIRE(admin->exec_params("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                             {database}).ok());
  const Json down = read_case(*sender, case_id);
  INFO(down.dump());
  CHECK(down["kind"] == "error");
  CHECK(down["code"] == "unavailable");
  CHECK(down["retry"] == true);

  REQUIRE(admin->exec("ALTER DATABASE " + *quoted + " ALLOW_CONNECTIONS true").ok());
  // The reads' connection comes back by itself (tried at most once a second).
  Json again;
  for (int i = 0; i < 50; ++i) {
    again = read_case(*sender, case_id);
    if (again["kind"] == "case") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(again["kind"] == "case");
  CHECK(again["reference"] == "RD-U");
}

TEST_CASE("one answer carries the newest deliveries and replies within its bounds, and says what it left out",
          "[read]") {
  ReturnedCase c;
  auto db = hub::store::PgConnection::connect(c.d.conninfo());
  REQUIRE(db.ok());
  const auto read = [&](const hub::store::CaseReadLimits& limits) {
    auto r = hub::store::read_case(*db, c.case_id, "test.sender", limits);
    REQUIRE(r.ok());
    REQUIRE(r->has_value());
    return std::move(**r);
  };
  const auto whole = read({});
  CHECK(whole.deliveries.size() == 2);
  CHECK(whole.replies.size() == 2);
  CHECK_FALSE(whole.deliveries_truncated);
  CHECK_FALSE(whole.replies_truncated);

  const auto newest = read({1, 1, std::size_t{1} << 20});
  REQUIRE(newest.deliveries.size() == 1);
  CHECK(newest.deliveries[0].delivery == c.second);
  CHECK(newest.deliveries_truncated);
  REQUIRE(newest.replies.size() == 1);
  CHECK(newest.replies[0].reference == "F-1");
  CHECK(newest.replies_truncated);

  // Bodies beyond the bytes allowed are left out, but the newest reply is always shown.
  const auto small = read({200, 200, 1});
  REQUIRE(small.replies.size() == 1);
  CHECK(small.replies[0].reference == "F-1");
  CHECK(small.replies_truncated);
  CHECK(small.deliveries.size() == 2);

  // Not party: nothing, as for a case that does not exist.
  auto stranger = hub::store::read_case(*db, c.case_id, "test.receiver");
  REQUIRE(stranger.ok());
  CHECK_FALSE(stranger->has_value());
  auto missing = hub::store::read_case(*db, c.case_id + 1000, "test.sender");
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
}

TEST_CASE("the Python client reads a case its unit sent", "[read][python]") {
  TestDeployment d;
  InProcessHub hub(d, local(kMonday));
  const std::string keys = d.dir() + "/keys/";
  std::ofstream(d.dir() + "/read.py") << "import sys, json\n"
      "sys.path.insert(0, '" << std::string(HUB_SOURCE_DIR) << "/adapters/zmq/examples')\n"
      "from xh_client import HubClient\n"
      "with HubClient('" << d.endpoint() << "', '" << keys << "test.sender.key', '" << keys << "hub.pub') as hub:\n"
      "    case = hub.send_case('PY-READ-1', 'test.routed', {'note': '漏水'}, compound='jinxiu')['case']\n"
      "    print(json.dumps({'read': hub.read(case), 'missing': hub.read(case + 1000)}))\n";
  std::string out;
  REQUIRE(run_command("/usr/bin/python3 " + d.dir() + "/read.py", out) == 0);
  INFO(out);
  const Json result = Json::parse(out);
  CHECK(result["read"]["kind"] == "case");
  CHECK(result["read"]["payload"] == Json{{"note", "漏水"}});
  CHECK(result["read"]["deliveries"][0]["to"] == "pm.jinxiu");
  CHECK(result["missing"]["code"] == "unknown_case");
}
