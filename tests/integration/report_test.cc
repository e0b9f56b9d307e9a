// `hubctl report` checked against a week worked out by hand.
#include <catch2/catch.hpp>

#include "test_hub.h"
#include "util/time_parse.h"

using hub::Json;
using namespace hub::testing;

namespace {

hub::TimePoint local(const char* text) { return *hub::parse_iso8601(text); }

struct Week {
  TestDeployment& d;
  InProcessHub& hub;
  std::unique_ptr<UnitClient> sender, jinxiu, anju, xinzhou;

  void at(const char* when) { hub.clock().set(local(when)); }
  std::int64_t delivery_of(UnitClient& receiver, std::int64_t case_id) {
    auto m = receiver.wait_for([&](const Json& j) {
      return j.value("kind", "") == "delivery" && j.value("case", std::int64_t{0}) == case_id;
    });
    REQUIRE(m);
    receiver.ack_delivery((*m)["delivery"].get<std::int64_t>());
    return (*m)["delivery"].get<std::int64_t>();
  }
  void ok(UnitClient& unit, Json request) {
    const std::string reference = request["reference"];
    unit.send(request);
    auto a = unit.wait_answer(reference);
    REQUIRE(a);
    INFO(a->dump());
    REQUIRE((*a)["kind"] == "transition_accepted");
  }
  void final_reply(UnitClient& unit, std::int64_t delivery, const std::string& reference) {
    unit.reply(delivery, reference, true, "done", Json::object());
    auto a = unit.wait_answer(reference);
    REQUIRE(a);
    REQUIRE((*a)["kind"] == "reply_accepted");
  }
};

const Json* row(const Json& report, const std::string& key) {
  for (const auto& r : report["rows"])
    if (r["key"] == key) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("the figures per unit match a week worked out by hand", "[lifecycle][report]") {
  TestDeployment d;
  InProcessHub hub(d, local("2026-12-07T09:00:00+08:00"));
  Week w{d, hub, d.client("test.sender"), d.client("pm.jinxiu"), d.client("pm.anju"), d.client("sd.xinzhou")};
  for (auto* u : {w.jinxiu.get(), w.anju.get(), w.xinzhou.get()}) u->hello();

  // Monday 09:00: five cases of test.routed (sign 4 h, resolve 2 working
  // days: by Thursday 00:00). jinxiu is served by pm.jinxiu, jianshe by pm.anju.
  auto send = [&](const char* reference, const char* compound) {
    return send_accepted(*w.sender, reference, "test.routed", compound, Json::object())["case"].get<std::int64_t>();
  };
  const auto a = w.delivery_of(*w.jinxiu, send("A", "jinxiu"));
  const auto b = w.delivery_of(*w.anju, send("B", "jianshe"));
  const auto case_c = send("C", "jinxiu");
  const auto c = w.delivery_of(*w.jinxiu, case_c);
  const auto case_d = send("D", "jinxiu");
  const auto d_ = w.delivery_of(*w.jinxiu, case_d);
  const auto case_e = send("E", "jianshe");
  const auto e = w.delivery_of(*w.anju, case_e);

  w.at("2026-12-07T09:30:00+08:00");
  w.ok(*w.anju, {{"kind", "sign"}, {"delivery", e}, {"reference", "e-sign"}});           // E signed after 0.5 h
  w.at("2026-12-07T10:00:00+08:00");
  w.ok(*w.jinxiu, {{"kind", "sign"}, {"delivery", a}, {"reference", "a-sign"}});         // A signed after 1 h
  w.at("2026-12-07T11:00:00+08:00");
  w.ok(*w.jinxiu, {{"kind", "return"}, {"delivery", d_}, {"reference", "d-return"}, {"reason", "不属本公司"}});
  w.delivery_of(*w.xinzhou, case_d);                                                    // D goes to 新州街道 to decide
  w.at("2026-12-07T12:00:00+08:00");
  w.ok(*w.jinxiu, {{"kind", "sign"}, {"delivery", c}, {"reference", "c-sign"}});         // C signed after 3 h
  w.at("2026-12-07T14:00:00+08:00");
  w.final_reply(*w.anju, b, "b-final");  // B: signed by its reply after 5 h (late), resolved after 5 h
  w.at("2026-12-07T15:00:00+08:00");
  w.final_reply(*w.anju, e, "e-final");  // E resolved after 6 h
  w.at("2026-12-08T09:00:00+08:00");
  w.ok(*w.jinxiu, {{"kind", "extend"}, {"delivery", c}, {"reference", "c-extend"}, {"reason", "等待配件"},
                   {"until", "2026-12-11T00:00:00+08:00"}});
  w.ok(*w.sender, {{"kind", "reopen"}, {"case", case_e}, {"reference", "e-reopen"}, {"reason", "未修好"}});
  w.at("2026-12-08T10:00:00+08:00");
  w.final_reply(*w.jinxiu, a, "a-final");  // A resolved after 25 h
  w.ok(*w.xinzhou, {{"kind", "grant_extension"}, {"delivery", c}, {"reference", "c-grant"}});
  w.at("2026-12-09T09:00:00+08:00");
  w.final_reply(*w.anju, e, "e-final-2");  // E resolved again after 48 h, within its new period (Fri 00:00)
  w.at("2026-12-10T12:00:00+08:00");
  w.final_reply(*w.jinxiu, c, "c-final");  // C resolved after 75 h, within its extension (Fri 00:00)
  w.at("2026-12-11T12:00:00+08:00");       // the report's "now"

  int code = -1;
  const Json report = Json::parse(hubctl(d, "report --from 2026-12-07 --to 2026-12-13 --format json", &code));
  REQUIRE(code == 0);
  CHECK(report["now"] == "2026-12-11T12:00:00+08:00");
  REQUIRE(report["rows"].size() == 3);

  // pm.jinxiu: A, C, D. Signed on time A (1 h), C (3 h); resolved on time A
  // (25 h), C (75 h, extended); D returned. Times by nearest rank of [1, 3]
  // and [25, 75]: median the 1st, p90 the 2nd.
  const Json* jinxiu = row(report, "pm.jinxiu");
  REQUIRE(jinxiu);
  CHECK((*jinxiu)["name"] == "锦绣物业服务有限公司");
  CHECK((*jinxiu)["received"] == 3);
  CHECK((*jinxiu)["signed_on_time"] == 2);
  CHECK((*jinxiu)["resolved_on_time"] == 2);
  CHECK((*jinxiu)["overdue_now"] == 0);
  CHECK((*jinxiu)["returned"] == 1);
  CHECK((*jinxiu)["extended"] == 1);
  CHECK((*jinxiu)["reopened"] == 0);
  CHECK((*jinxiu)["sign_median_hours"] == 1.0);
  CHECK((*jinxiu)["sign_p90_hours"] == 3.0);
  CHECK((*jinxiu)["resolve_median_hours"] == 25.0);
  CHECK((*jinxiu)["resolve_p90_hours"] == 75.0);

  // pm.anju: B signed late (5 h, by its reply), E on time (0.5 h); both
  // resolved on time, E reopened once and resolved again at 48 h.
  const Json* anju = row(report, "pm.anju");
  REQUIRE(anju);
  CHECK((*anju)["received"] == 2);
  CHECK((*anju)["signed_on_time"] == 1);
  CHECK((*anju)["resolved_on_time"] == 2);
  CHECK((*anju)["overdue_now"] == 0);
  CHECK((*anju)["reopened"] == 1);
  CHECK((*anju)["sign_median_hours"] == 0.5);
  CHECK((*anju)["sign_p90_hours"] == 5.0);
  CHECK((*anju)["resolve_median_hours"] == 5.0);
  CHECK((*anju)["resolve_p90_hours"] == 48.0);

  // 新州街道: D since Monday 11:00, never signed: overdue now.
  const Json* xinzhou = row(report, "sd.xinzhou");
  REQUIRE(xinzhou);
  CHECK((*xinzhou)["received"] == 1);
  CHECK((*xinzhou)["signed_on_time"] == 0);
  CHECK((*xinzhou)["overdue_now"] == 1);
  CHECK((*xinzhou)["sign_median_hours"].is_null());

  // Total: sign times [0.5, 1, 3, 5], resolve times [5, 25, 48, 75].
  const Json& total = report["total"];
  CHECK(total["received"] == 6);
  CHECK(total["signed_on_time"] == 3);
  CHECK(total["resolved_on_time"] == 4);
  CHECK(total["overdue_now"] == 1);
  CHECK(total["sign_median_hours"] == 1.0);
  CHECK(total["sign_p90_hours"] == 5.0);
  CHECK(total["resolve_median_hours"] == 25.0);
  CHECK(total["resolve_p90_hours"] == 75.0);

  // The same week by zone: both compounds are in 第一片区.
  const Json by_zone = Json::parse(hubctl(d, "report --from 2026-12-07 --to 2026-12-13 --by zone --format json"));
  REQUIRE(by_zone["rows"].size() == 1);
  CHECK(by_zone["rows"][0]["key"] == "zone01");
  CHECK(by_zone["rows"][0]["name"] == "第一片区");
  CHECK(by_zone["rows"][0]["received"] == 6);

  const Json by_subdistrict =
      Json::parse(hubctl(d, "report --from 2026-12-07 --to 2026-12-13 --by subdistrict --format json"));
  REQUIRE(by_subdistrict["rows"].size() == 1);
  CHECK(by_subdistrict["rows"][0]["key"] == "sd.xinzhou");
  CHECK(by_subdistrict["rows"][0]["name"] == "新州街道办事处");
  CHECK(by_subdistrict["rows"][0]["overdue_now"] == 1);

  // CSV for spreadsheets and a table for people, from the same figures.
  const std::string csv = hubctl(d, "report --from 2026-12-07 --to 2026-12-13 --format csv");
  CHECK_THAT(csv, Catch::StartsWith("unit,name,received,signed_on_time,resolved_on_time,overdue_now,returned,extended,"
                                    "reopened,sign_median_hours,sign_p90_hours,resolve_median_hours,resolve_p90_hours\r\n"));
  CHECK_THAT(csv, Catch::Contains("pm.jinxiu,锦绣物业服务有限公司,3,2,2,0,1,1,0,1,3,25,75\r\n"));
  CHECK_THAT(csv, Catch::Contains("total,合计 total,6,3,4,1,1,1,1,1,5,25,75\r\n"));
  const std::string table = hubctl(d, "report --from 2026-12-07 --to 2026-12-13");
  CHECK_THAT(table, Catch::Contains("锦绣物业服务有限公司"));
  CHECK_THAT(table, Catch::Contains("3.1d"));  // 75 h, the p90 time to resolve

  // Bad periods are refused with what to write.
  int bad = -1;
  CHECK_THAT(hubctl(d, "report --from 2026-12-13 --to 2026-12-07", &bad), Catch::Contains("ends before it starts"));
  CHECK(bad == 1);
  CHECK_THAT(hubctl(d, "report --from 7.12.2026 --to 2026-12-13", &bad), Catch::Contains("--from 2026-12-01"));
  CHECK(bad == 1);

  // A period before the week has nothing in it.
  const Json empty = Json::parse(hubctl(d, "report --from 2026-11-01 --to 2026-11-30 --format json"));
  CHECK(empty["rows"].empty());
  CHECK(empty["total"]["received"] == 0);
}
