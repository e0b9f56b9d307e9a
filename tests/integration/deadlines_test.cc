// Deadlines watched on the manual clock: reminders, escalation up the
// receiver's chain one level per working day, exactly once per step across a
// restart and with two hubs on one database.
#include <catch2/catch.hpp>

#include "config/loader.h"
#include "test_hub.h"
#include "util/time_parse.h"

using hub::Json;
using namespace hub::testing;

namespace {

hub::TimePoint local(const char* text) { return *hub::parse_iso8601(text); }

std::string count(const TestDeployment& d, const std::string& where) {
  return query_one(d, "SELECT count(*) FROM events WHERE " + where);
}

// Moves every hub's clock to `when` (they share one database and must agree).
void jump(std::initializer_list<InProcessHub*> hubs, const char* when) {
  for (auto* h : hubs) h->clock().set(local(when));
}

}  // namespace

TEST_CASE("an unanswered delivery is reminded, then escalated up the chain once per step", "[lifecycle][deadlines]") {
  // Two hubs share the database: every step must still fire exactly once.
  TestDeployment first;
  DeploymentOptions shared;
  shared.shared_database = first.conninfo();
  shared.hub_id = "test-2";
  TestDeployment second(shared);
  auto hub1 = std::make_unique<InProcessHub>(first, local("2026-12-07T09:00:00+08:00"));
  auto hub2 = std::make_unique<InProcessHub>(second, local("2026-12-07T09:00:00+08:00"));
  auto sender = first.client("test.sender");
  auto company = first.client("pm.jinxiu");
  auto community = first.client("community.jianshe");
  company->hello();
  community->hello();
  const auto case_id = send_accepted(*sender, "D-1", "test.routed", "jinxiu", Json::object())["case"].get<std::int64_t>();
  const std::string id = query_one(first, "SELECT id FROM deliveries WHERE case_id = " + std::to_string(case_id));
  const std::string of_delivery = "delivery_id = " + id;

  // Sign by Mon 13:00 (4 h): reminded at 75%, 12:00.
  jump({hub1.get(), hub2.get()}, "2026-12-07T12:00:00+08:00");
  REQUIRE(wait_until(first, "SELECT count(*) FROM events WHERE kind = 'reminded' AND " + of_delivery, "1"));
  auto reminder = company->wait_kind("reminder");
  REQUIRE(reminder);
  CHECK((*reminder)["deadline"] == "sign");
  CHECK((*reminder)["due"] == "2026-12-07T13:00:00+08:00");
  CHECK((*reminder)["overdue"] == false);

  // At the deadline: overdue, level 1 is the compound's community, with the history.
  jump({hub1.get(), hub2.get()}, "2026-12-07T13:00:00+08:00");
  REQUIRE(wait_until(first, "SELECT count(*) FROM events WHERE kind = 'escalated' AND " + of_delivery, "1"));
  auto notice = community->wait_for([](const Json& j) { return j.value("kind", "") == "delivery"; });
  REQUIRE(notice);
  CHECK((*notice)["notice"] == true);
  CHECK((*notice)["case"] == case_id);
  CHECK((*notice)["escalation"]["level"] == 1);
  CHECK((*notice)["escalation"]["responsible"] == "pm.jinxiu");
  CHECK((*notice)["escalation"]["deadline"] == "sign");
  CHECK((*notice)["escalation"]["history"][0]["event"] == "accepted");
  CHECK_FALSE((*notice).contains("sign_by"));  // a notice carries no deadline

  // Hub 2 goes away; hub 1 carries on. Level 2 (the 镇街) at the end of the
  // next working day, Tuesday; the resolve deadline's reminder at 75% of its
  // 63 h (Wed 08:15); level 3 (the leading-group office) at the end of
  // Wednesday, with the resolve deadline's first level at the same moment.
  hub2.reset();
  jump({hub1.get()}, "2026-12-09T00:00:00+08:00");
  REQUIRE(wait_until(first, "SELECT count(*) FROM events WHERE kind = 'escalated' AND " + of_delivery, "2"));
  jump({hub1.get()}, "2026-12-09T08:15:00+08:00");
  REQUIRE(wait_until(first, "SELECT count(*) FROM events WHERE kind = 'reminded' AND " + of_delivery, "2"));
  jump({hub1.get()}, "2026-12-10T00:00:00+08:00");
  REQUIRE(wait_until(first, "SELECT count(*) FROM events WHERE kind = 'escalated' AND " + of_delivery, "4"));
  CHECK(count(first, "kind = 'reminded' AND " + of_delivery) == "2");
  CHECK(query_one(first, "SELECT string_agg(to_unit, ',' ORDER BY id) FROM events WHERE kind = 'escalated' AND " +
                             of_delivery) == "community.jianshe,sd.xinzhou,lg.office,community.jianshe");

  // A restart resumes from the stored progress: Thursday's end brings level 2
  // of the resolve deadline only.
  hub1.reset();
  hub1 = std::make_unique<InProcessHub>(first, local("2026-12-11T00:00:00+08:00"));
  REQUIRE(wait_until(first, "SELECT count(*) FROM events WHERE kind = 'escalated' AND " + of_delivery, "5"));
  // Another case's first reminder shows the watcher has gone past everything due.
  send_accepted(*sender, "D-2", "test.routed", "jinxiu", Json::object());
  jump({hub1.get()}, "2026-12-11T03:00:00+08:00");
  REQUIRE(wait_until(first, "SELECT count(*) FROM events WHERE kind = 'reminded' AND delivery_id <> " + id, "1"));
  CHECK(count(first, "kind = 'escalated' AND " + of_delivery) == "5");
  // Notices never escalate.
  CHECK(query_one(first, "SELECT count(*) FROM deliveries WHERE notice AND watch_at IS NOT NULL") == "0");

  // Signing and resolving stop the watch.
  company->send({{"kind", "sign"}, {"delivery", std::stoll(id)}, {"reference", "S"}});
  REQUIRE(company->wait_answer("S"));
  company->reply(std::stoll(id), "F", true, "done", Json::object());
  REQUIRE(company->wait_answer("F"));
  CHECK(query_one(first, "SELECT watch_at IS NULL FROM deliveries WHERE id = " + id) == "t");
}

TEST_CASE("a hub refuses to start when the calendar cannot give today's working-day deadlines", "[lifecycle][deadlines]") {
  TestDeployment d;
  auto loaded = hub::config::load_deployment(d.config_path());
  REQUIRE(loaded.ok());
  ManualClock clock;
  clock.set(local("2028-03-01T09:00:00+08:00"));  // config/calendar.yaml ends with 2027
  hub::bus::HubOptions options{*loaded.deployment, d.conninfo(), HUB_MODULE_DIR, &clock};
  auto hub = hub::bus::Hub::start(std::move(options));
  REQUIRE_FALSE(hub.ok());
  CHECK_THAT(hub.status().message(), Catch::Contains("calendar") && Catch::Contains("2027-12-31") &&
                                         Catch::Contains("2028"));
}
