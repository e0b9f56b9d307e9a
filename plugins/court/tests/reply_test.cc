// The court's replies to a referral: statuses, outcomes and what each carries.
#include <catch2/catch.hpp>

#include "court_plugin.h"
#include "dossiers.h"

using hub::Json;
using court_test::by_pointer;

namespace {

hub::court::CourtPlugin configured() {
  hub::court::CourtPlugin p;
  REQUIRE(p.configure(Json::object()).ok());
  return p;
}

hub::ReplyView progress(Json body, std::string from = "court") {
  return {7, 70, std::move(from), false, "", std::move(body)};
}

hub::ReplyView final_reply(std::string outcome, Json body) { return {8, 70, "court", true, std::move(outcome), std::move(body)}; }

hub::Problems check(const hub::ReplyView& r) { return configured().validate_reply("court.arrears_referral", r); }

constexpr const char* kCaseNumber = "(2026)内0430民初1234号";

}  // namespace

TEST_CASE("progress replies carry their status in /status with what it needs", "[court][reply]") {
  CHECK(check(progress({{"status", "under_review"}})).empty());
  CHECK(check(progress({{"status", "accepted"}, {"case_number", kCaseNumber}, {"note", "已立案"}})).empty());
  CHECK(check(progress({{"status", "hearing_scheduled"}, {"case_number", kCaseNumber}, {"hearing_date", "2027-01-12"},
                        {"hearing_place", "第三法庭"}}))
            .empty());
  CHECK(check(progress({{"status", "hearing_scheduled"}, {"case_number", kCaseNumber},
                        {"hearing_date", "2027-01-12T09:00:00+08:00"}}))
            .empty());

  auto no_number = check(progress({{"status", "accepted"}}));
  REQUIRE(no_number.size() == 1);
  CHECK(no_number[0].pointer == "/case_number");
  CHECK_THAT(no_number[0].reason, Catch::StartsWith("required: the court's case number (案号)"));

  auto hearing = by_pointer(check(progress({{"status", "hearing_scheduled"}, {"case_number", 1234},
                                            {"hearing_date", "next week"}, {"hearing_place", 3}})));
  CHECK(hearing.size() == 3);
  CHECK_THAT(hearing.at("/case_number"), Catch::StartsWith("must be a string"));
  CHECK(hearing.at("/hearing_date") == "must be a date (YYYY-MM-DD) or a date and time (ISO 8601)");
  CHECK(hearing.at("/hearing_place") == "must be a string");

  auto no_status = check(progress({{"case_number", kCaseNumber}, {"note", 5}}));
  auto found = by_pointer(no_status);
  CHECK(found.size() == 2);
  CHECK_THAT(found.at("/status"), Catch::StartsWith("a progress reply (final: false) names its status in /status"));
  CHECK(found.at("/note") == "must be a string");

  auto unknown = check(progress({{"status", "in_progress"}}));
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].pointer == "/status");
  CHECK_THAT(unknown[0].reason, Catch::StartsWith("unknown status \"in_progress\"") && Catch::Contains("accepted"));
}

TEST_CASE("final replies name a court outcome with what it needs", "[court][reply]") {
  CHECK(check(final_reply("returned", {{"reasons", {"缺少书面催缴记录"}}})).empty());
  CHECK(check(final_reply("judged", {{"case_number", kCaseNumber}, {"judgment", "被告支付物业费2160元及违约金64.8元"},
                                     {"amount_awarded_yuan", 2224.8}}))
            .empty());
  CHECK(check(final_reply("mediated", {{"case_number", kCaseNumber}, {"agreed_amount_yuan", 2000}})).empty());
  CHECK(check(final_reply("withdrawn", {{"case_number", kCaseNumber}})).empty());

  auto no_reasons = check(final_reply("returned", Json::object()));
  REQUIRE(no_reasons.size() == 1);
  CHECK(no_reasons[0].pointer == "/reasons");
  CHECK_THAT(no_reasons[0].reason, Catch::Contains("non-empty list of strings"));
  CHECK(check(final_reply("returned", {{"reasons", Json::array()}}))[0].pointer == "/reasons");
  auto bad_reason = check(final_reply("returned", {{"reasons", {"缺少合同", ""}}}));
  REQUIRE(bad_reason.size() == 1);
  CHECK(bad_reason[0].pointer == "/reasons/1");

  auto judged = by_pointer(check(final_reply("judged", {{"amount_awarded_yuan", -5}})));
  CHECK(judged.size() == 3);
  CHECK(judged.count("/case_number") == 1);
  CHECK(judged.at("/judgment") == "required: a summary of the judgment (判决主文)");
  CHECK(judged.at("/amount_awarded_yuan") == "must not be negative");
  CHECK(by_pointer(check(final_reply("judged", {{"case_number", kCaseNumber}, {"judgment", "驳回"}})))
            .at("/amount_awarded_yuan") == "required number is missing: the amount in yuan");

  auto mediated = by_pointer(check(final_reply("mediated", {{"agreed_amount_yuan", "2000"}})));
  CHECK(mediated.size() == 2);
  CHECK(mediated.count("/case_number") == 1);
  CHECK(mediated.at("/agreed_amount_yuan") == "must be a number (yuan)");
  CHECK(check(final_reply("withdrawn", Json::object()))[0].pointer == "/case_number");

  auto done = check(final_reply("done", Json::object()));
  REQUIRE(done.size() == 1);
  CHECK(done[0].pointer.empty());
  CHECK_THAT(done[0].reason, Catch::StartsWith("outcome \"done\" is not a court outcome") &&
                                 Catch::Contains("returned") && Catch::Contains("withdrawn"));
}

TEST_CASE("only the court's replies to a referral are checked", "[court][reply]") {
  auto p = configured();
  // The 镇街's remark on its copy, and replies to other types, are free.
  CHECK(p.validate_reply("court.arrears_referral", progress({{"remark", "已知悉"}}, "sd.xinzhou")).empty());
  CHECK(p.validate_reply("court.status_notice", progress(Json::object())).empty());

  hub::court::CourtPlugin other;
  REQUIRE(other.configure({{"court_unit", "court.tribunal"}}).ok());
  CHECK(other.validate_reply("court.arrears_referral", progress(Json::object())).empty());
  CHECK_FALSE(other.validate_reply("court.arrears_referral", progress(Json::object(), "court.tribunal")).empty());
}
