// The commit queue's lanes: the second committer takes new cases and acks
// only, so replies and lifecycle requests keep their order in one committer.
#include <catch2/catch.hpp>

#include <future>

#include "bus/commit_queue.h"

using hub::bus::CommitQueue;
using namespace hub::store;

namespace {

NewCase a_case(const std::string& reference) {
  NewCase n;
  n.c.origin = "u";
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

}  // namespace

TEST_CASE("the cases-and-acks lane leaves replies and lifecycle requests, in order, to the other committer",
          "[commit_queue]") {
  CommitQueue q(100);
  REQUIRE(q.push(a_case("C1")));
  REQUIRE(q.push(a_reply("R1")));
  REQUIRE(q.push(a_sign("S1")));
  REQUIRE(q.push(NewAck{"u", {}}));
  REQUIRE(q.push(a_reply("R2")));

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
  CommitQueue q(100);
  auto taken = std::async(std::launch::async, [&] { return q.take(CommitQueue::Lane::kCasesAndAcks); });
  REQUIRE(q.push(a_reply("R1")));
  // The reply is for the other lane: the kAll committer gets it, the waiter keeps waiting.
  const BatchInput first = q.take(CommitQueue::Lane::kAll);
  CHECK(first.replies.size() == 1);
  CHECK(taken.wait_for(std::chrono::milliseconds(0)) == std::future_status::timeout);
  REQUIRE(q.push(a_case("C1")));
  const BatchInput second = taken.get();
  REQUIRE(second.cases.size() == 1);
  CHECK(second.cases[0].c.reference == "C1");
}

TEST_CASE("closing drains each lane, then each take returns empty", "[commit_queue]") {
  CommitQueue q(100);
  REQUIRE(q.push(a_case("C1")));
  REQUIRE(q.push(a_reply("R1")));
  q.close();
  CHECK_FALSE(q.push(a_case("C2")));
  CHECK(q.take(CommitQueue::Lane::kCasesAndAcks).cases.size() == 1);
  const BatchInput empty = q.take(CommitQueue::Lane::kCasesAndAcks);
  CHECK(empty.cases.empty());
  CHECK(empty.replies.empty());
  CHECK(q.take(CommitQueue::Lane::kAll).replies.size() == 1);
  const BatchInput drained = q.take(CommitQueue::Lane::kAll);
  CHECK(drained.replies.empty());
  CHECK(drained.cases.empty());
}
