// The commit queue: its two lanes (the second committer takes new cases and
// acks only, so replies and lifecycle requests keep their order in one
// committer), its bounds in items and bytes per unit and for the hub, and
// the turns units take in a batch.
#include <catch2/catch.hpp>

#include <future>

#include "bus/commit_queue.h"

using hub::bus::CommitQueue;
using hub::bus::CommitQueueLimits;
using namespace hub::store;
using Admission = CommitQueue::Admission;

namespace {

constexpr std::size_t kSmall = 100;  // bytes of a small message

NewCase a_case(const std::string& reference, const std::string& unit = "u") {
  NewCase n;
  n.c.origin = unit;
  n.c.reference = reference;
  return n;
}

NewReply a_reply(const std::string& reference) {
  NewReply r;
  r.sender = "u";
  r.reply.reference = reference;
  return r;
}

NewTransition a_sign(const std::string& reference) {
  NewTransition t;
  t.unit = "u";
  t.request.reference = reference;
  return t;
}

Event an_event() { return Event{"rejected", 0, 0, 0, "", "u", "", {}}; }

}  // namespace

TEST_CASE("the cases-and-acks lane leaves replies and lifecycle requests, in order, to the other committer",
          "[commit_queue]") {
  CommitQueue q;
  REQUIRE(q.push(a_case("C1"), kSmall) == Admission::kQueued);
  REQUIRE(q.push(a_reply("R1"), kSmall) == Admission::kQueued);
  REQUIRE(q.push(a_sign("S1"), kSmall) == Admission::kQueued);
  REQUIRE(q.push(NewAck{"u", {}}, kSmall) == Admission::kQueued);
  REQUIRE(q.push(a_reply("R2"), kSmall) == Admission::kQueued);

  const BatchInput second = q.take(CommitQueue::Lane::kCasesAndAcks);
  CHECK(second.cases.size() == 1);
  CHECK(second.acks.size() == 1);
  CHECK(second.replies.empty());
  CHECK(second.transitions.empty());

  const BatchInput first = q.take(CommitQueue::Lane::kAll);
  CHECK(first.cases.empty());
  REQUIRE(first.replies.size() == 2);
  CHECK(first.replies[0].reply.reference == "R1");
  CHECK(first.replies[1].reply.reference == "R2");
  REQUIRE(first.transitions.size() == 1);
  CHECK(first.transitions[0].request.reference == "S1");
}

TEST_CASE("a committer waiting on the cases lane is not woken by a reply, and wakes for a case", "[commit_queue]") {
  CommitQueue q;
  auto taken = std::async(std::launch::async, [&] { return q.take(CommitQueue::Lane::kCasesAndAcks); });
  REQUIRE(q.push(a_reply("R1"), kSmall) == Admission::kQueued);
  // The reply is for the other lane: the kAll committer gets it, the waiter keeps waiting.
  const BatchInput first = q.take(CommitQueue::Lane::kAll);
  CHECK(first.replies.size() == 1);
  CHECK(taken.wait_for(std::chrono::milliseconds(0)) == std::future_status::timeout);
  REQUIRE(q.push(a_case("C1"), kSmall) == Admission::kQueued);
  const BatchInput second = taken.get();
  REQUIRE(second.cases.size() == 1);
  CHECK(second.cases[0].c.reference == "C1");
}

TEST_CASE("closing drains each lane, then each take returns empty", "[commit_queue]") {
  CommitQueue q;
  REQUIRE(q.push(a_case("C1"), kSmall) == Admission::kQueued);
  REQUIRE(q.push(a_reply("R1"), kSmall) == Admission::kQueued);
  q.close();
  CHECK(q.push(a_case("C2"), kSmall) == Admission::kClosed);
  CHECK(q.take(CommitQueue::Lane::kCasesAndAcks).cases.size() == 1);
  const BatchInput empty = q.take(CommitQueue::Lane::kCasesAndAcks);
  CHECK(empty.cases.empty());
  CHECK(empty.replies.empty());
  CHECK(q.take(CommitQueue::Lane::kAll).replies.size() == 1);
  const BatchInput drained = q.take(CommitQueue::Lane::kAll);
  CHECK(drained.replies.empty());
  CHECK(drained.cases.empty());
}

TEST_CASE("a unit with a few cases gets them all into the next batch however much another unit has queued",
          "[commit_queue][fairness]") {
  CommitQueue q(CommitQueueLimits{.max_items = 10000, .max_items_per_unit = 5000});
  for (int i = 0; i < 4000; ++i) REQUIRE(q.push(a_case("F" + std::to_string(i), "flood"), kSmall) == Admission::kQueued);
  for (int i = 0; i < 5; ++i) REQUIRE(q.push(a_case("Q" + std::to_string(i), "quiet"), kSmall) == Admission::kQueued);

  const BatchInput batch = q.take();
  REQUIRE(batch.cases.size() == CommitQueue::kMaxBatchCases);
  std::vector<std::string> quiet, flood;
  for (const auto& c : batch.cases) (c.c.origin == "quiet" ? quiet : flood).push_back(c.c.reference);
  CHECK(quiet == std::vector<std::string>{"Q0", "Q1", "Q2", "Q3", "Q4"});
  // Each unit's own order is kept.
  REQUIRE(flood.size() == CommitQueue::kMaxBatchCases - 5);
  for (std::size_t i = 0; i < flood.size(); ++i) CHECK(flood[i] == "F" + std::to_string(i));
  CHECK(q.pending_of("flood").first == 4000 - flood.size());
  CHECK(q.pending_of("quiet").first == 0);
}

TEST_CASE("one unit fills its own share of the queue, never the others'", "[commit_queue][bounds]") {
  CommitQueue q(CommitQueueLimits{.max_items = 100, .max_bytes = 1 << 20, .max_items_per_unit = 10,
                                  .max_bytes_per_unit = 1 << 20});
  for (int i = 0; i < 10; ++i) REQUIRE(q.push(a_case("F" + std::to_string(i), "flood"), kSmall) == Admission::kQueued);
  CHECK(q.push(a_case("F10", "flood"), kSmall) == Admission::kUnitFull);
  CHECK(q.push(NewAck{"flood", {}}, kSmall) == Admission::kUnitFull);  // acks count too
  CHECK(q.push(a_case("Q0", "quiet"), kSmall) == Admission::kQueued);
  CHECK(q.push(NewAck{"quiet", {}}, kSmall) == Admission::kQueued);

  const auto [items, bytes] = q.pending_of("flood");
  CHECK(items == 10);
  CHECK(bytes == 10 * (kSmall + CommitQueue::kItemOverhead));
  q.take();
  CHECK(q.pending_of("flood").first == 0);
  CHECK(q.push(a_case("F10", "flood"), kSmall) == Admission::kQueued);  // taken work frees the share
}

TEST_CASE("bytes bound the queue as well as items, one message alone always fits its unit's share",
          "[commit_queue][bounds]") {
  CommitQueue q(CommitQueueLimits{.max_items = 1000, .max_bytes = 50'000, .max_items_per_unit = 1000,
                                  .max_bytes_per_unit = 10'000});
  CHECK(q.push(a_case("big1", "a"), 20'000) == Admission::kQueued);  // over the unit's bytes, but its only one
  CHECK(q.push(a_case("big2", "a"), 20'000) == Admission::kUnitFull);
  CHECK(q.push(a_case("small", "a"), 100) == Admission::kUnitFull);
  CHECK(q.push(a_case("b1", "b"), 9'000) == Admission::kQueued);
  CHECK(q.push(a_case("c1", "c"), 9'000) == Admission::kQueued);
  CHECK(q.push(a_case("d1", "d"), 9'000) == Admission::kQueued);
  CHECK(q.push(a_case("e1", "e"), 9'000) == Admission::kHubFull);  // the hub's 50,000 bytes
}

TEST_CASE("events over the hub's bound are dropped and counted", "[commit_queue][bounds]") {
  CommitQueue q(CommitQueueLimits{.max_items = 3});
  CHECK(q.push(an_event(), kSmall));
  CHECK(q.push(a_case("C1"), kSmall) == Admission::kQueued);
  CHECK(q.push(an_event(), kSmall));
  CHECK_FALSE(q.push(an_event(), kSmall));
  CHECK(q.events_dropped() == 1);
  const BatchInput batch = q.take(CommitQueue::Lane::kCasesAndAcks);
  CHECK(batch.events.size() == 2);
  CHECK(batch.cases.size() == 1);
  CHECK(q.push(an_event(), kSmall));
}

TEST_CASE("a stopping queue refuses new work but still takes acks", "[commit_queue]") {
  CommitQueue q;
  q.refuse_new_work();
  CHECK(q.push(a_case("C1"), kSmall) == Admission::kClosed);
  CHECK(q.push(a_reply("R1"), kSmall) == Admission::kClosed);
  CHECK(q.push(a_sign("S1"), kSmall) == Admission::kClosed);
  CHECK(q.push(NewAck{"u", {}}, kSmall) == Admission::kQueued);
  CHECK(q.take().acks.size() == 1);
}
