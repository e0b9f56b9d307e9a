#include "replies.h"

#include <map>
#include <vector>

#include "case_types.h"
#include "hub/payload.h"

namespace hub::governance {
namespace {

void need_reason(const Json& body, Problems& problems) {
  const std::string* reason = find_string(body, "/reason");
  if (reason == nullptr || reason->empty()) problems.push_back({"/reason", "a refusal needs a reason"});
}

void check_answer(const Json& body, Problems& problems) {
  const Json* balance = find_number(body, "/balance_yuan");
  if (balance == nullptr)
    problems.push_back({"/balance_yuan", "an answer needs the fund's balance in yuan (a number)"});
  else if (balance->get<double>() < 0)
    problems.push_back({"/balance_yuan", "must not be negative"});
  if (find_date(body, "/as_of") == nullptr)
    problems.push_back({"/as_of", "an answer needs the day of the balance (YYYY-MM-DD)"});
}

void check_reasons(const Json& body, Problems& problems) {
  const Json* reasons = find_array(body, "/reasons");
  if (reasons == nullptr || reasons->empty()) {
    problems.push_back({"/reasons", "a returned filing needs the reasons (a list of strings)"});
    return;
  }
  for (std::size_t i = 0; i < reasons->size(); ++i)
    if (!(*reasons)[i].is_string() || (*reasons)[i].get_ref<const std::string&>().empty())
      problems.push_back({"/reasons/" + std::to_string(i), "must be a non-empty string"});
}

using Check = void (*)(const Json&, Problems&);
void nothing(const Json&, Problems&) {}

// case type → final outcome → what its body needs.
const std::map<std::string, std::vector<std::pair<std::string, Check>>>& rules() {
  static const std::map<std::string, std::vector<std::pair<std::string, Check>>> kRules = {
      {kCreditEvent, {{"recorded", nothing}, {"refused", need_reason}}},
      {kFundQuery, {{"answered", check_answer}, {"refused", need_reason}}},
      {kElectionFiling, {{"filed", nothing}, {"returned", check_reasons}}},
      {kCommonIncome, {{"approved", nothing}, {"refused", need_reason}}},
  };
  return kRules;
}

}  // namespace

Problems validate_governance_reply(const std::string& case_type, const ReplyView& reply) {
  if (!reply.final) return {};
  auto type = rules().find(case_type);
  if (type == rules().end()) return {};
  Problems problems;
  std::string allowed;
  for (const auto& [outcome, check] : type->second) {
    if (outcome == reply.outcome) {
      check(reply.body.is_object() ? reply.body : Json::object(), problems);
      return problems;
    }
    allowed += (allowed.empty() ? "" : ", ") + outcome;
  }
  return {{"", "a final reply to " + case_type + " has the outcome " + allowed + "; found '" + reply.outcome + "'"}};
}

}  // namespace hub::governance
