// An item the database refuses fails alone: through the real hubd and a real
// PostgreSQL whose triggers refuse chosen rows, the rest of its batch commits,
// its sender is answered `unstorable`, the refusal is recorded, and acks in the
// same batch are kept.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "test_hub.h"

using hub::Json;
using namespace hub::testing;
using namespace std::chrono_literals;

namespace {

Json fee_check(const std::string& application) {
  return {{"dwelling", "3-2-501"}, {"seller", "张三"}, {"buyer", "李四"}, {"application_id", application}};
}

// Cases with a reference starting "SLOW" take a second to insert (holding both
// committers while a batch piles up behind them); "POISON" cases and events
// recording a "POISON" reference are refused by the database.
constexpr const char* kTriggers = R"SQL(
CREATE FUNCTION test_refuse_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.reference LIKE 'SLOW%' THEN PERFORM pg_sleep(1); END IF;
  IF NEW.reference LIKE 'POISON%' THEN RAISE EXCEPTION 'test: this case is refused'; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER test_refuse_case BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION test_refuse_case();
CREATE FUNCTION test_refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.detail->>'reference' LIKE 'POISON%' THEN RAISE EXCEPTION 'test: this event is refused'; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER test_refuse_event BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION test_refuse_event();
)SQL";

}  // namespace

TEST_CASE("an item the database refuses is answered unstorable and the rest of its batch commits", "[e2e][poison]") {
  TestDeployment d;
  HubProcess hubd(d);
  hubd.start();
  query_one(d, kTriggers);
  auto registry = d.client("registry");
  auto company = d.client("pm.jinxiu");
  company->hello();
  REQUIRE(company->wait_kind("welcome"));

  // A delivery to ack inside the batch that will hold the poison.
  const Json pre = send_accepted(*registry, "PRE", "registry.fee_check", "jinxiu", fee_check("PRE"));
  const auto pre_delivery = pre["deliveries"][0]["delivery"].get<std::int64_t>();
  REQUIRE(company->wait_kind("delivery"));

  registry->send_case("SLOW-1", "registry.fee_check", "jinxiu", fee_check("SLOW-1"));
  registry->send_case("SLOW-2", "registry.fee_check", "jinxiu", fee_check("SLOW-2"));
  for (int i = 0; i < 10; ++i)
    registry->send_case(fmt::format("GOOD-{}", i), "registry.fee_check", "jinxiu", fee_check(fmt::format("G{}", i)));
  registry->send_case("POISON-1", "registry.fee_check", "jinxiu", fee_check("P1"));
  company->ack_delivery(pre_delivery);
  registry->send_case("POISON-EVENT", "no.such_type", "jinxiu", Json::object());  // its rejection cannot be stored
  for (int i = 10; i < 20; ++i)
    registry->send_case(fmt::format("GOOD-{}", i), "registry.fee_check", "jinxiu", fee_check(fmt::format("G{}", i)));

  for (const char* slow : {"SLOW-1", "SLOW-2"}) {
    auto answer = registry->wait_answer(slow, 20s);
    REQUIRE(answer);
    CHECK((*answer)["kind"] == "accepted");
  }
  for (int i = 0; i < 20; ++i) {
    auto answer = registry->wait_answer(fmt::format("GOOD-{}", i), 20s);
    REQUIRE(answer);
    CHECK((*answer)["kind"] == "accepted");
  }
  auto poison = registry->wait_answer("POISON-1", 20s);
  REQUIRE(poison);
  CHECK((*poison)["kind"] == "error");
  CHECK((*poison)["code"] == "unstorable");
  CHECK((*poison)["retry"] == false);
  CHECK((*poison)["message"].get<std::string>().find("SQLSTATE") == std::string::npos);
  auto unknown = registry->wait_answer("POISON-EVENT", 20s);
  REQUIRE(unknown);
  CHECK((*unknown)["code"] == "unknown_case_type");  // answered at intake; only its record failed

  CHECK(wait_until(d, "SELECT acked_at IS NOT NULL FROM deliveries WHERE id = " + std::to_string(pre_delivery), "t"));
  CHECK(query_one(d, "SELECT count(*) FROM cases WHERE reference LIKE 'GOOD-%'") == "20");
  CHECK(query_one(d, "SELECT count(*) FROM cases WHERE reference LIKE 'POISON%'") == "0");
  // Its record carries the reference POISON-1, which the test's trigger refuses
  // too: the log says so once, and nothing loops.
  CHECK(wait_for_log(hubd, "the database refused a case from registry (reference POISON-1)"));
  CHECK(wait_for_log(hubd, "could not be recorded either"));
  // The poison shared its batch with others (the slow cases held both committers).
  CHECK(hubd.log().find("items failed") != std::string::npos);
  CHECK(hubd.log().find("a batch of 1 items failed") == std::string::npos);

  // The hub goes on: a new case flows, and an unstorable record that can be stored is stored.
  query_one(d, "DROP TRIGGER test_refuse_event ON events");
  registry->send_case("POISON-2", "registry.fee_check", "jinxiu", fee_check("P2"));
  auto second = registry->wait_answer("POISON-2", 20s);
  REQUIRE(second);
  CHECK((*second)["code"] == "unstorable");
  CHECK(wait_until(d,
                   "SELECT count(*) FROM events WHERE kind = 'rejected' AND detail->>'code' = 'unstorable' "
                   "AND detail->>'reference' = 'POISON-2'",
                   "1"));
  const Json after = send_accepted(*registry, "AFTER", "registry.fee_check", "jinxiu", fee_check("AFTER"));
  CHECK(after["deliveries"].size() == 1);
  CHECK(hubd.stop() == 0);
}
