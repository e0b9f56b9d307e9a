// Quotas per unit (bus/unit_quotas.h), the token bucket they stand on, and the
// budget of refusals recorded as events (bus/rejection_budget.h). Time is
// passed in, so nothing here waits.
#include <catch2/catch.hpp>

#include "bus/rejection_budget.h"
#include "bus/unit_quotas.h"

using hub::TokenBucket;
using hub::bus::RejectionBudget;
using hub::bus::UnitQuotas;
using namespace std::chrono_literals;

namespace {

const auto t0 = std::chrono::steady_clock::time_point(1000s);

// A quota of `rate` messages a second in bursts of `burst`, and 1 MB/s of bytes.
hub::config::UnitQuota per_second(std::int64_t rate, std::int64_t burst) {
  return {.messages_per_second = rate, .burst_messages = burst, .bytes_per_second = 1'000'000, .burst_bytes = 1'000'000};
}

hub::config::Deployment deployment_with(hub::config::UnitQuota every, hub::config::UnitQuotaOverride registry) {
  hub::config::Deployment d;
  d.hub.unit_quota = every;
  hub::config::Unit u;
  u.id = "registry";
  u.quota = registry;
  d.units.push_back(u);
  u.id = "pm.jinxiu";
  u.quota = {};
  d.units.push_back(u);
  return d;
}

// A message body of `bytes` bytes that is no ack.
std::string body(std::size_t bytes) { return std::string(bytes, 'x'); }

int admitted(UnitQuotas& q, const std::string& unit, int messages, std::size_t bytes, std::chrono::steady_clock::time_point at) {
  int n = 0;
  for (int i = 0; i < messages; ++i) n += q.admit(unit, body(bytes), at) ? 0 : 1;
  return n;
}

}  // namespace

TEST_CASE("a token bucket passes its burst, then its rate, and lets one oversized item through when full",
          "[quota]") {
  TokenBucket b(10, 20, t0);
  int passed = 0;
  for (int i = 0; i < 50; ++i) passed += b.take(1, t0);
  CHECK(passed == 20);
  CHECK_FALSE(b.take(1, t0 + 50ms));  // half a token
  CHECK(b.take(1, t0 + 100ms));
  CHECK_FALSE(b.take(1, t0 + 100ms));
  // Refilled to the burst after 2 s, never beyond it.
  CHECK(b.take(20, t0 + 10s));
  CHECK_FALSE(b.take(1, t0 + 10s));
  // 100 tokens asked of a bucket of 20: passes when full, then the debt is repaid first.
  CHECK(b.take(100, t0 + 20s));
  CHECK_FALSE(b.take(1, t0 + 25s));  // -80 + 50 = -30
  CHECK(b.take(1, t0 + 29s + 100ms));
}

TEST_CASE("each unit has its own quota: the hub's default, with the unit's overrides", "[quota]") {
  UnitQuotas q;
  q.configure(deployment_with(per_second(10, 20),
                              {.messages_per_second = 100, .burst_messages = 200}),
              t0);
  CHECK(admitted(q, "pm.jinxiu", 100, 10, t0) == 20);
  CHECK(admitted(q, "registry", 500, 10, t0) == 200);
  // One unit's flood leaves the other's quota whole.
  CHECK(admitted(q, "pm.jinxiu", 100, 10, t0 + 1s) == 10);
  // A unit the configuration does not name gets the default.
  CHECK(admitted(q, "gone.unit", 100, 10, t0) == 20);
}

TEST_CASE("bytes count as well as messages, and a refused message spends nothing", "[quota]") {
  UnitQuotas q;
  q.configure(deployment_with({.messages_per_second = 1000, .burst_messages = 1000, .bytes_per_second = 10'000,
                               .burst_bytes = 10'000},
                              {}),
              t0);
  CHECK(admitted(q, "pm.jinxiu", 10, 1000, t0) == 10);
  CHECK(admitted(q, "pm.jinxiu", 10, 1000, t0) == 0);
  // The 10 refused messages spent no message tokens: 1000 - 10 remain, and 1 s refills the bytes.
  CHECK(admitted(q, "pm.jinxiu", 10, 1000, t0 + 1s) == 10);
}

TEST_CASE("refusals are answered once a second and logged once every 10 s, with the count dropped", "[quota]") {
  UnitQuotas q;
  q.configure(deployment_with(per_second(1, 1),
                              {}),
              t0);
  REQUIRE_FALSE(q.admit("pm.jinxiu", body(10), t0));
  auto first = q.admit("pm.jinxiu", body(10), t0);
  REQUIRE(first);
  CHECK(first->answer);
  CHECK(first->to_log == 1);
  CHECK(first->quota.messages_per_second == 1);
  int answers = 0;
  for (int i = 0; i < 99; ++i) {
    auto r = q.admit("pm.jinxiu", body(10), t0 + 10ms * i);
    REQUIRE(r);
    answers += r->answer;
    CHECK(r->to_log == 0);
  }
  CHECK(answers == 0);  // all within the first second
  // At t0 + 1.2 s one token has come: the next message passes, the one after is refused and answered.
  CHECK_FALSE(q.admit("pm.jinxiu", body(10), t0 + 1200ms));
  auto later = q.admit("pm.jinxiu", body(10), t0 + 1200ms);
  REQUIRE(later);
  CHECK(later->answer);
  CHECK(later->to_log == 0);
  // 10 s after the first line (the burst of 1 refilled): one passes, the next is logged.
  CHECK_FALSE(q.admit("pm.jinxiu", body(10), t0 + 10s + 500ms));
  auto logged = q.admit("pm.jinxiu", body(10), t0 + 10s + 500ms);
  REQUIRE(logged);
  CHECK(logged->answer);
  CHECK(logged->to_log == 101);  // the 99, the one at 1.2 s, and this one
}

TEST_CASE("a reload changes a unit's quota and keeps what it has spent", "[quota]") {
  UnitQuotas q;
  q.configure(deployment_with(per_second(10, 10),
                              {}),
              t0);
  CHECK(admitted(q, "registry", 10, 1, t0) == 10);
  q.configure(deployment_with(per_second(10, 10),
                              {.messages_per_second = 1000, .burst_messages = 1000}),
              t0);
  CHECK(admitted(q, "registry", 10, 1, t0) == 0);       // still spent
  CHECK(admitted(q, "registry", 1000, 1, t0 + 1s) == 1000);  // at the new rate
}

TEST_CASE("refusals beyond a unit's budget are counted, and the next one recorded carries the count", "[quota]") {
  RejectionBudget budget;
  int recorded = 0;
  for (int i = 0; i < 1000; ++i) {
    auto r = budget.admit("test.sender", t0);
    if (r) {
      CHECK(*r == 0);
      ++recorded;
    }
  }
  CHECK(recorded == static_cast<int>(RejectionBudget::kBurst));
  CHECK(budget.admit("other.unit", t0));  // another unit's budget is its own
  const auto next = budget.admit("test.sender", t0 + 1s);
  REQUIRE(next);
  CHECK(*next == 900);
}

TEST_CASE("acks are paid for by what the hub sent, so a unit sent more than its quota can ack it all",
          "[quota]") {
  UnitQuotas q;
  q.configure(deployment_with(per_second(10, 10),
                              {}),
              t0);
  const std::string ack = R"({"kind":"ack","delivery":2048})";
  for (int i = 0; i < 500; ++i) q.expect_ack("pm.jinxiu", t0);
  int acks = 0;
  for (int i = 0; i < 1000; ++i) acks += q.admit("pm.jinxiu", ack, t0) ? 0 : 1;
  CHECK(acks == 500 + 10);  // the credit, then the quota
  CHECK(admitted(q, "pm.jinxiu", 10, 10, t0) == 0);  // the quota is spent now

  // The unit's own work keeps its quota while acks spend credit.
  for (int i = 0; i < 500; ++i) q.expect_ack("pm.jinxiu", t0 + 1s);
  for (int i = 0; i < 500; ++i) REQUIRE_FALSE(q.admit("pm.jinxiu", ack, t0 + 1s));
  CHECK(admitted(q, "pm.jinxiu", 20, 10, t0 + 1s) == 10);

  // A large body naming "ack" is no ack: it pays quota.
  q.expect_ack("pm.jinxiu", t0 + 1s);
  const std::string big = R"({"kind":"ack","pad":")" + std::string(200, 'x') + "\"}";
  CHECK(q.admit("pm.jinxiu", big, t0 + 1s));
}
