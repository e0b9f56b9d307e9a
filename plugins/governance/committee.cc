#include "committee.h"

#include <map>

#include "case_types.h"
#include "common.h"
#include "hub/payload.h"

namespace hub::governance {

bool is_chair(const std::string& role) { return role == "主任" || role == "chair"; }

Problems validate_election_filing(const Settings& settings, const CaseView& c) {
  Problems problems = check_fields(fields_of(kElectionFiling), c.payload);
  require_compound(c, problems);
  committee_acts_for_own_compound(c, problems);
  const ElectionRules& rules = settings.election;

  if (const Json* term = find_number(c.payload, "/term_years"); term != nullptr && term->is_number_integer()) {
    const auto years = term->get<long long>();
    if (years < 1 || years > rules.term_years_max)
      problems.push_back({"/term_years", "a term lasts 1 to " + std::to_string(rules.term_years_max) +
                                             " years; found " + std::to_string(years)});
  }

  const Json* members = find_array(c.payload, "/members");
  if (members == nullptr) return problems;
  const auto count = static_cast<int>(members->size());
  if (count < rules.members_min || count > rules.members_max)
    problems.push_back({"/members", "an owners' committee has " + std::to_string(rules.members_min) + " to " +
                                        std::to_string(rules.members_max) + " members; found " + std::to_string(count)});
  int chairs = 0;
  std::map<std::string, std::size_t> first_seen;
  for (std::size_t i = 0; i < members->size(); ++i) {
    const Json& m = (*members)[i];
    const std::string at = "/members/" + std::to_string(i);
    if (!m.is_object()) {
      problems.push_back({at, "must be an object {name, role}"});
      continue;
    }
    const std::string* name = find_string(m, "/name");
    const std::string* role = find_string(m, "/role");
    if (name == nullptr || name->empty()) problems.push_back({at + "/name", "required string is missing"});
    if (role == nullptr || role->empty())
      problems.push_back({at + "/role", "required string is missing (主任, 副主任 or 委员)"});
    if (role != nullptr && is_chair(*role)) ++chairs;
    if (name != nullptr && !name->empty()) {
      auto [it, fresh] = first_seen.emplace(*name, i);
      if (!fresh)
        problems.push_back({at + "/name", "'" + *name + "' is listed twice (also at /members/" +
                                              std::to_string(it->second) + ")"});
    }
  }
  if (chairs != 1)
    problems.push_back({"/members", "exactly one member must be the chair (主任); found " + std::to_string(chairs)});
  return problems;
}

Problems validate_committee_decision(const CaseView& c) {
  Problems problems = check_fields(fields_of(kCommitteeDecision), c.payload);
  require_compound(c, problems);
  committee_acts_for_own_compound(c, problems);
  for (const char* pointer : {"/votes/for", "/votes/against", "/votes/abstain"})
    if (const Json* v = find_number(c.payload, pointer); v != nullptr && v->is_number_integer() && v->get<long long>() < 0)
      problems.push_back({pointer, "must not be negative"});
  return problems;
}

}  // namespace hub::governance
