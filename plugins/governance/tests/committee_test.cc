// Owners' committees: election filings (members, one chair, term) and the
// committee's decisions.
#include <catch2/catch.hpp>

#include "case_types.h"
#include "test_settings.h"

using namespace hub::governance;
using namespace hub::governance::testing;
using hub::Json;

namespace {

Json members(int count, int chairs = 1) {
  Json list = Json::array();
  for (int i = 0; i < count; ++i)
    list.push_back({{"name", "委员" + std::to_string(i + 1)}, {"role", i < chairs ? "主任" : (i == chairs ? "副主任" : "委员")}});
  return list;
}

Json filing(Json member_list, int term = 5) {
  return {{"elected_on", "2026-03-08"}, {"term_years", term}, {"members", std::move(member_list)},
          {"assembly_record", "御景苑业主大会决议〔2026〕1号"}};
}

hub::Problems check(const GovernancePlugin& plugin, const Json& payload, const std::string& origin = "oc.xinzhou") {
  return plugin.validate(make_case(kElectionFiling, origin, "xinzhou", payload));
}

}  // namespace

TEST_CASE("an election filing has 3 to 11 members and exactly one chair", "[governance][committee]") {
  const auto plugin = configured();
  CHECK(check(plugin, filing(members(3))).empty());
  CHECK(check(plugin, filing(members(11))).empty());
  CHECK(check(plugin, filing(members(5)), "sd.xinzhou").empty());

  auto problems = check(plugin, filing(members(2)));
  REQUIRE(pointers(problems) == std::set<std::string>{"/members"});
  CHECK(reason_at(problems, "/members") == "an owners' committee has 3 to 11 members; found 2");
  problems = check(plugin, filing(members(12)));
  CHECK(reason_at(problems, "/members") == "an owners' committee has 3 to 11 members; found 12");

  problems = check(plugin, filing(members(5, 0)));
  CHECK(reason_at(problems, "/members") == "exactly one member must be the chair (主任); found 0");
  problems = check(plugin, filing(members(5, 2)));
  CHECK(reason_at(problems, "/members") == "exactly one member must be the chair (主任); found 2");

  Json list = members(4);
  list[1]["role"] = "chair";  // English role names count too
  list[0]["role"] = "委员";
  CHECK(check(plugin, filing(list)).empty());
}

TEST_CASE("each member needs a name and a role, once", "[governance][committee]") {
  const auto plugin = configured();
  Json list = members(5);
  list[1] = "张三";
  list[2].erase("role");
  list[3]["name"] = "";
  list[4]["name"] = list[0]["name"];
  const auto problems = check(plugin, filing(list));
  CHECK(pointers(problems) == std::set<std::string>{"/members/1", "/members/2/role", "/members/3/name", "/members/4/name"});
  CHECK(reason_at(problems, "/members/1") == "must be an object {name, role}");
  CHECK(reason_at(problems, "/members/4/name") == "'委员1' is listed twice (also at /members/0)");
}

TEST_CASE("a term lasts 1 to 5 years, fields and the compound are required", "[governance][committee]") {
  const auto plugin = configured();
  CHECK(reason_at(check(plugin, filing(members(5), 6)), "/term_years") == "a term lasts 1 to 5 years; found 6");
  CHECK(reason_at(check(plugin, filing(members(5), 0)), "/term_years") == "a term lasts 1 to 5 years; found 0");
  const auto configured_3 = configured({{"oc_term_years_max", 3}, {"oc_members_min", 5}});
  CHECK(pointers(check(configured_3, filing(members(3), 4))) == std::set<std::string>{"/term_years", "/members"});

  const auto problems = plugin.validate(make_case(kElectionFiling, "community.jianshe", "", {{"term_years", "five"}}));
  CHECK(pointers(problems) ==
        std::set<std::string>{"", "/elected_on", "/term_years", "/members", "/assembly_record"});
}

TEST_CASE("a committee decision needs the decision and its date, votes are not negative", "[governance][committee]") {
  const auto plugin = configured();
  const Json ok = {{"decision", "同意续聘锦绣物业"}, {"decided_on", "2026-03-09"},
                   {"votes", {{"for", 5}, {"against", 1}, {"abstain", 1}}}};
  CHECK(plugin.validate(make_case(kCommitteeDecision, "oc.xinzhou", "xinzhou", ok)).empty());
  Json bad = ok;
  bad["votes"]["against"] = -1;
  bad["votes"]["for"] = "5";
  bad.erase("decided_on");
  const auto problems = plugin.validate(make_case(kCommitteeDecision, "oc.xinzhou", "xinzhou", bad));
  CHECK(pointers(problems) == std::set<std::string>{"/decided_on", "/votes/for", "/votes/against"});
  CHECK(reason_at(problems, "/votes/against") == "must not be negative");
}
