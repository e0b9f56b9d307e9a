// What final replies must say, per case type.
#include <catch2/catch.hpp>

#include "case_types.h"
#include "test_settings.h"

using namespace hub::governance;
using namespace hub::governance::testing;
using hub::Json;

namespace {

hub::Problems reply(const std::string& type, const std::string& outcome, Json body, bool final = true) {
  static const auto plugin = configured();
  return plugin.validate_reply(type, {1, 2, "zjj", final, outcome, std::move(body)});
}

}  // namespace

TEST_CASE("an answered fund query gives the balance and its date", "[governance][replies]") {
  CHECK(reply(kFundQuery, "answered", {{"balance_yuan", 25630.5}, {"as_of", "2026-03-10"}}).empty());
  CHECK(reply(kFundQuery, "answered", {{"balance_yuan", 0}, {"as_of", "2026-03-10"}}).empty());
  auto problems = reply(kFundQuery, "answered", {{"balance_yuan", -1}, {"as_of", "10/03/2026"}});
  CHECK(pointers(problems) == std::set<std::string>{"/balance_yuan", "/as_of"});
  CHECK(reason_at(problems, "/balance_yuan") == "must not be negative");
  problems = reply(kFundQuery, "answered", Json::object());
  CHECK(reason_at(problems, "/balance_yuan") == "an answer needs the fund's balance in yuan (a number)");
  CHECK(reason_at(reply(kFundQuery, "refused", Json::object()), "/reason") == "a refusal needs a reason");
  CHECK(reply(kFundQuery, "refused", {{"reason", "该房屋未交存专项维修资金"}}).empty());
  problems = reply(kFundQuery, "done", Json::object());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].reason == "a final reply to governance.fund_query has the outcome answered, refused; found 'done'");
  // Progress replies are free.
  CHECK(reply(kFundQuery, "", {{"note", "正在核对"}}, false).empty());
}

TEST_CASE("an election filing is filed, or returned with reasons", "[governance][replies]") {
  CHECK(reply(kElectionFiling, "filed", {{"filing_no", "住建备〔2026〕12号"}}).empty());
  CHECK(reply(kElectionFiling, "returned", {{"reasons", {"缺少业主大会表决记录"}}}).empty());
  CHECK(reason_at(reply(kElectionFiling, "returned", {{"reasons", Json::array()}}), "/reasons") ==
        "a returned filing needs the reasons (a list of strings)");
  CHECK(reason_at(reply(kElectionFiling, "returned", {{"reasons", {"ok", ""}}}), "/reasons/1") == "must be a non-empty string");
  CHECK(pointers(reply(kElectionFiling, "refused", {{"reason", "x"}})) == std::set<std::string>{""});
}

TEST_CASE("common-income spending is approved, or refused with a reason", "[governance][replies]") {
  CHECK(reply(kCommonIncome, "approved", Json::object()).empty());
  CHECK(reason_at(reply(kCommonIncome, "refused", {{"reason", ""}}), "/reason") == "a refusal needs a reason");
  CHECK(reply(kCommonIncome, "refused", {{"reason", "未附业主大会决议"}}).empty());
}

TEST_CASE("a credit event is recorded, or refused with a reason", "[governance][replies]") {
  CHECK(reply(kCreditEvent, "recorded", Json::object()).empty());
  CHECK(pointers(reply(kCreditEvent, "refused", Json::object())) == std::set<std::string>{"/reason"});
  CHECK(pointers(reply(kCreditEvent, "done", Json::object())) == std::set<std::string>{""});
  // Types without reply rules take any final reply.
  CHECK(reply(kComplaint, "done", Json::object()).empty());
  CHECK(reply(kFundDecision, "done", Json::object()).empty());
}
