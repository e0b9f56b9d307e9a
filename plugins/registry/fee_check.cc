#include "fee_check.h"

#include <initializer_list>

namespace hub::registry {
namespace {

using FT = FieldType;

const std::vector<FieldDecl>& fee_check_fields() {
  static const std::vector<FieldDecl> fields = {
      {"/dwelling", FT::kString, true, "the dwelling as building-unit-room, e.g. \"3-2-501\" or \"3号楼2单元501\""},
      {"/seller", FT::kString, true, "the seller's name"},
      {"/buyer", FT::kString, true, "the buyer's name"},
      {"/application_id", FT::kString, true, "the registry's transfer application number"},
      {"/seller_id_number", FT::kString, false, "the seller's ID number, to find the owner's account"},
      {"/transfer_date", FT::kDate, false, "the planned date of the transfer"},
  };
  return fields;
}

// The body of a final reply to a fee check, as declared (CaseTypeDecl::reply_fields).
// Every field is optional in some outcome, so each is declared optional and its
// help names the outcome that needs it; the outcomes' checks below take their
// fields from here.
const std::vector<FieldDecl>& fee_check_reply_fields() {
  static const std::vector<FieldDecl> fields = {
      {"/amount_yuan", FT::kNumber, false,
       "arrears: required, the fees owed in yuan, more than 0; settled: left out or 0"},
      {"/period", FT::kObject, false, "arrears: required, the months owed {from, to}"},
      {"/period/from", FT::kMonth, false, "arrears: required, the first month owed"},
      {"/period/to", FT::kMonth, false, "arrears: required, the last month owed, not before from"},
      {"/note", FT::kString, false, "a remark for the registry's clerk"},
  };
  return fields;
}

// The declared reply fields an outcome's check uses, in declaration order,
// required when named in `required`.
std::vector<FieldDecl> reply_fields_for(std::initializer_list<std::string_view> used,
                                        std::initializer_list<std::string_view> required) {
  auto named = [](std::initializer_list<std::string_view> list, const std::string& pointer) {
    for (std::string_view p : list)
      if (p == pointer) return true;
    return false;
  };
  std::vector<FieldDecl> out;
  for (FieldDecl f : fee_check_reply_fields()) {
    if (!named(used, f.pointer)) continue;
    f.required = named(required, f.pointer);
    out.push_back(std::move(f));
  }
  return out;
}

// The body of a final "arrears" reply.
const std::vector<FieldDecl>& arrears_fields() {
  static const std::vector<FieldDecl> fields =
      reply_fields_for({"/amount_yuan", "/period", "/period/from", "/period/to", "/note"},
                       {"/amount_yuan", "/period", "/period/from", "/period/to"});
  return fields;
}

// The body of a final "settled" reply.
const std::vector<FieldDecl>& settled_fields() {
  static const std::vector<FieldDecl> fields = reply_fields_for({"/amount_yuan", "/note"}, {});
  return fields;
}

// What every settlement reminder carries.
const std::vector<FieldDecl>& reminder_fields() {
  static const std::vector<FieldDecl> fields = {
      {"/fee_check_case", FT::kInteger, true, "the fee check this reminder answers"},
      {"/application_id", FT::kString, true, "the registry's transfer application number"},
      {"/dwelling", FT::kString, true, "the dwelling"},
      {"/compound", FT::kString, true, "the compound's id"},
      {"/compound_name", FT::kString, false, "the compound's name"},
      {"/status", FT::kString, true, "settled, arrears or no_answer"},
      {"/message", FT::kString, true, "the reminder as the clerk reads it"},
      {"/update", FT::kBoolean, true, "true when it follows an earlier reminder for the same check"},
      {"/servicer", FT::kString, false, "who serves the compound (whom to call)"},
      {"/amount_yuan", FT::kNumber, false, "arrears only: the fees owed, in yuan"},
      {"/period", FT::kObject, false, "arrears only: the months owed {from, to}"},
      {"/period/from", FT::kMonth, true, "first month owed"},
      {"/period/to", FT::kMonth, true, "last month owed"},
      {"/note", FT::kString, false, "the answering unit's remark"},
      {"/answered_by", FT::kString, false, "settled and arrears: the unit that answered"},
      {"/answered_at", FT::kDateTime, false, "settled and arrears: when the hub took the answer"},
      {"/timeout_seconds", FT::kInteger, false, "no_answer: how long the counter waited"},
  };
  return fields;
}

// What a reminder of a given status must carry besides the common fields
// (their types are checked with the common fields).
std::vector<std::string_view> required_for_status(std::string_view status) {
  if (status == kSettled) return {"/answered_by", "/answered_at"};
  if (status == kArrears) return {"/answered_by", "/answered_at", "/amount_yuan", "/period"};
  if (status == kNoAnswer) return {"/timeout_seconds"};
  return {};
}

// True when `pointer` names a value other than null (check_fields' notion of present).
bool present(const Json& payload, std::string_view pointer) {
  const Json::json_pointer p{std::string(pointer)};
  return payload.contains(p) && !payload.at(p).is_null();
}

// Rules on arrears beyond field types: a positive amount and a period in order.
void check_arrears_values(const Json& body, Problems& out) {
  if (const Json* amount = find_number(body, "/amount_yuan"); amount != nullptr && !(amount->get<double>() > 0))
    out.push_back({"/amount_yuan", "arrears must be more than 0 yuan (answer \"settled\" when nothing is owed)"});
  const std::string* from = find_month(body, "/period/from");
  const std::string* to = find_month(body, "/period/to");
  if (from != nullptr && to != nullptr && *from > *to)
    out.push_back({"/period", "the period starts (" + *from + ") after it ends (" + *to + "): expected from <= to"});
}

}  // namespace

CaseTypeDecl fee_check_type() {
  // A clerk waits at the counter for the answer: the plugin's own timeout
  // (setting answer_timeout_seconds) gives the defined "no answer" outcome;
  // these limits chase the late answer.
  CaseTypeDecl decl{std::string(kFeeCheck), "物业费结清查询", "1h", "4h", fee_check_fields()};
  // What check_fee_check_reply accepts in a final reply; progress replies are free.
  decl.outcomes = {
      {std::string(kSettled), "已结清", "nothing is owed for the dwelling; /amount_yuan, if given, is 0"},
      {std::string(kArrears), "欠费", "fees are owed: /amount_yuan (more than 0) and /period {from, to}"},
  };
  decl.reply_fields = fee_check_reply_fields();
  return decl;
}

CaseTypeDecl settlement_reminder_type() {
  // Sent as a notice (cc) to the unit that asked, which carries no deadline;
  // the limits apply only if a deployment routes reminders with `to`. No
  // outcomes and no reply fields: replies to reminders are not checked (the
  // hub refuses a final reply to a notice; remarks are free).
  return {std::string(kSettlementReminder), "物业费结清提醒", "1h", "4h", reminder_fields()};
}

Problems check_fee_check(const CaseView& c) {
  Problems problems = check_fields(fee_check_fields(), c.payload);
  if (c.compound.empty())
    problems.push_back({"", "a fee check names the dwelling's compound (the case's 'compound'), so that whoever "
                            "serves it can be asked; none was given"});
  return problems;
}

Problems check_fee_check_reply(const ReplyView& r) {
  if (!r.final) return {};
  if (!r.body.is_object()) return {{"", "the reply body must be a JSON object"}};
  if (r.outcome == kSettled) {
    Problems problems = check_fields(settled_fields(), r.body);
    if (const Json* amount = find_number(r.body, "/amount_yuan"); amount != nullptr && !same_amount(amount->get<double>(), 0))
      problems.push_back({"/amount_yuan", "a settled answer owes nothing: leave /amount_yuan out (or 0), or answer "
                                          "\"arrears\" with the amount and /period"});
    return problems;
  }
  if (r.outcome == kArrears) {
    Problems problems = check_fields(arrears_fields(), r.body);
    check_arrears_values(r.body, problems);
    return problems;
  }
  const std::string given = r.outcome.empty() ? "no outcome" : "outcome '" + r.outcome + "'";
  return {{"", given + " does not answer a fee check: a final reply's outcome is \"settled\" (nothing owed) or "
                       "\"arrears\" (with /amount_yuan and /period {from, to})"}};
}

Problems check_settlement_reminder(const CaseView& c) {
  Problems problems = check_fields(reminder_fields(), c.payload);
  if (!c.payload.is_object()) return problems;
  const std::string* status = find_string(c.payload, "/status");
  if (status != nullptr && *status != kSettled && *status != kArrears && *status != kNoAnswer)
    problems.push_back({"/status", "must be settled, arrears or no_answer, not '" + *status + "'"});
  if (status != nullptr)
    for (std::string_view pointer : required_for_status(*status))
      if (!present(c.payload, pointer))
        problems.push_back({std::string(pointer), "required when /status is " + *status});
  if (status != nullptr && *status == kArrears) check_arrears_values(c.payload, problems);
  if (const Json* t = find_number(c.payload, "/timeout_seconds"); t != nullptr && t->is_number_integer() && t->get<long long>() < 1)
    problems.push_back({"/timeout_seconds", "must be at least 1"});
  if (c.compound.empty()) problems.push_back({"", "a settlement reminder names the fee check's compound"});
  return problems;
}

std::optional<Answer> read_answer(const ReplyView& r) {
  if (!r.final || !check_fee_check_reply(r).empty()) return std::nullopt;
  Answer a;
  a.status = r.outcome;
  if (const std::string* note = find_string(r.body, "/note")) a.note = *note;
  if (a.status == kArrears) {
    a.amount_yuan = find_number(r.body, "/amount_yuan")->get<double>();
    a.period_from = *find_month(r.body, "/period/from");
    a.period_to = *find_month(r.body, "/period/to");
  }
  return a;
}

}  // namespace hub::registry
