// The chaos tests' judge must see every broken promise: these journals are
// written by hand, each with one fault.
#include <sstream>

#include <catch2/catch.hpp>

#include "journal_check.h"

using namespace hub::chaos;

namespace {

// s01 sends to r01 and r02; s01 sent A (case 1) and B (case 2).
CheckInput two_cases(const std::string& r01, const std::string& r02, const std::string& s01_extra = "") {
  std::istringstream s01("sent\tA\nsent\tB\naccepted\tA\t1\t0\t11:bench.r01,12:bench.r02\n"
                         "accepted\tB\t2\t0\t21:bench.r01,22:bench.r02\n" + s01_extra);
  std::istringstream in1(r01), in2(r02);
  CheckInput in;
  in.senders.push_back(read_sender_journal(s01, "bench.s01"));
  in.receivers["bench.r01"] = read_receiver_journal(in1);
  in.receivers["bench.r02"] = read_receiver_journal(in2);
  in.route = [](const std::string&) { return std::vector<std::string>{"bench.r01", "bench.r02"}; };
  in.stored = {{"A", 1}, {"B", 2}};
  return in;
}

const std::string kR01 = "delivery\t11\t1\tA\t1\ndelivery\t21\t2\tB\t1\n";
const std::string kR02 = "delivery\t12\t1\tA\t1\ndelivery\t22\t2\tB\t1\n";

}  // namespace

TEST_CASE("journals that agree with the routes and the database pass", "[chaos]") {
  const Verdict v = check(two_cases(kR01, kR02));
  CHECK(v.ok());
  CHECK(v.line(7) == "sent=2 accepted=2 delivered=4 lost=0 duplicated=0 seed=7");
}

TEST_CASE("a delivery no receiver journaled is lost", "[chaos]") {
  const Verdict v = check(two_cases(kR01, "delivery\t12\t1\tA\t1\n"));
  CHECK(v.lost == 1);
  CHECK(v.delivered == 3);
  CHECK_FALSE(v.ok());
  REQUIRE(v.problems.size() == 1);
  CHECK_THAT(v.problems[0], Catch::Contains("LOST: case 2") && Catch::Contains("bench.r02"));
}

TEST_CASE("an accepted case the database does not hold is lost for every receiver", "[chaos]") {
  CheckInput in = two_cases(kR01, kR02);
  in.stored.erase("B");
  const Verdict v = check(in);
  CHECK(v.lost == 2);
  CHECK_FALSE(v.ok());
}

TEST_CASE("redeliveries under the same id are duplicates, under another id a problem", "[chaos]") {
  const Verdict same = check(two_cases(kR01 + "delivery\t11\t1\tA\t2\n", kR02));
  CHECK(same.duplicated == 1);
  CHECK(same.ok());
  const Verdict other = check(two_cases(kR01 + "delivery\t99\t1\tA\t1\n", kR02));
  CHECK_FALSE(other.ok());
  CHECK_THAT(other.problems[0], Catch::Contains("2 different delivery ids"));
}

TEST_CASE("a delivery of a case never accepted, and unanswered sends, are problems", "[chaos]") {
  const Verdict v = check(two_cases(kR01 + "delivery\t31\t3\tC\t1\n", kR02, "sent\tD\n"));
  CHECK(v.unanswered == 1);
  CHECK(v.problem_count == 2);
  CHECK_FALSE(v.ok());
}

TEST_CASE("one reference accepted as two cases is a problem", "[chaos]") {
  const Verdict v = check(two_cases(kR01, kR02, "accepted\tA\t5\t1\t51:bench.r01,52:bench.r02\n"));
  CHECK_FALSE(v.ok());
  CHECK_THAT(v.problems[0], Catch::Contains("accepted as case 1 and again as case 5"));
}
