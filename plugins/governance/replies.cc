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

// One final outcome of a type: as declared, and what its body needs.
struct Rule {
  OutcomeDecl outcome;
  Check check;
};

// What a type's final replies say: its outcomes, in the order messages list
// them, and the reply fields they read. A field one outcome needs is declared
// optional, its help naming that outcome.
struct TypeRules {
  std::vector<Rule> outcomes;
  std::vector<FieldDecl> fields;
};

FieldDecl reason_field(const char* refusal) {
  return {"/reason", FieldType::kString, false, std::string(refusal) + ": required, why"};
}

// case type → its reply rules.
const std::map<std::string, TypeRules>& rules() {
  static const std::map<std::string, TypeRules> kRules = {
      {kCreditEvent,
       {{{{"recorded", "已记录", "the event stands in the company's credit file"}, nothing},
         {{"refused", "不予认定", "the event is not upheld, saying why in /reason: the credit file reverses it"},
          need_reason}},
        {reason_field("refused")}}},
      {kFundQuery,
       {{{{"answered", "已答复", "the balance: /balance_yuan as of /as_of"}, check_answer},
         {{"refused", "不予查询", "the balance is not given, saying why in /reason"}, need_reason}},
        {{"/balance_yuan", FieldType::kNumber, false, "answered: required, the fund's balance in yuan, 0 or more"},
         {"/as_of", FieldType::kDate, false, "answered: required, the day of the balance"},
         reason_field("refused")}}},
      {kElectionFiling,
       {{{{"filed", "已备案", "the election is on file"}, nothing},
         {{"returned", "退回", "not filed: /reasons says what to fix"}, check_reasons}},
        {{"/reasons", FieldType::kArray, false,
          "returned: required, a non-empty list of strings, each saying what to fix"}}}},
      {kCommonIncome,
       {{{{"approved", "同意", "the common income may be spent as asked"}, nothing},
         {{"refused", "不同意", "the spending is not approved, saying why in /reason"}, need_reason}},
        {reason_field("refused")}}},
  };
  return kRules;
}

}  // namespace

std::vector<OutcomeDecl> reply_outcomes(const std::string& case_type) {
  std::vector<OutcomeDecl> out;
  if (auto type = rules().find(case_type); type != rules().end())
    for (const auto& rule : type->second.outcomes) out.push_back(rule.outcome);
  return out;
}

std::vector<FieldDecl> reply_fields(const std::string& case_type) {
  auto type = rules().find(case_type);
  return type == rules().end() ? std::vector<FieldDecl>{} : type->second.fields;
}

Problems validate_governance_reply(const std::string& case_type, const ReplyView& reply) {
  if (!reply.final) return {};
  auto type = rules().find(case_type);
  if (type == rules().end()) return {};
  Problems problems;
  std::string allowed;
  for (const auto& [outcome, check] : type->second.outcomes) {
    if (outcome.id == reply.outcome) {
      check(reply.body.is_object() ? reply.body : Json::object(), problems);
      return problems;
    }
    allowed += (allowed.empty() ? "" : ", ") + outcome.id;
  }
  return {{"", "a final reply to " + case_type + " has the outcome " + allowed + "; found '" + reply.outcome + "'"}};
}

}  // namespace hub::governance
