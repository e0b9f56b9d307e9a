#include "case_types.h"

#include <set>

namespace hub::utilities {
namespace {

using F = FieldType;

std::vector<FieldDecl> joint_acceptance_fields() {
  return {{"/acceptance_id", F::kString, true, "住建局's reference of this acceptance"},
          {"/project", F::kString, true, "the construction project (项目名称)"},
          {"/developer", F::kString, true, "the developer (开发建设单位)"},
          {"/requested_on", F::kDate, true, "date the developer applied for acceptance"},
          {"/items", F::kArray, false, "checklist item ids to inspect; default: the whole checklist"}};
}

std::vector<FieldDecl> reinspection_fields() {
  return {{"/acceptance_id", F::kString, true, "the earlier joint acceptance"},
          {"/items", F::kArray, true, "ids of the failed items to inspect again"},
          {"/requested_on", F::kDate, false, "date the developer reported the defects fixed"},
          {"/remarks", F::kString, false, "what was fixed"}};
}

std::vector<FieldDecl> company_exit_fields() {
  return {{"/reason", F::kString, true, "why the company leaves (退出原因)"},
          {"/exit_date", F::kDate, true, "last day of service is the day before; the directory changes on this date"},
          {"/written_notice_on", F::kDate, true, "date of the written notice to the work team and zone group"},
          {"/successor", F::kString, false, "the successor company's unit id; empty: the 镇街 takes custody"}};
}

std::vector<FieldDecl> acceptance_item_fields() {
  return {{"/acceptance_case", F::kInteger, true, "case id of the joint acceptance"},
          {"/acceptance_id", F::kString, true, "住建局's reference of the acceptance"},
          {"/project", F::kString, true, "the construction project"},
          {"/developer", F::kString, true, "the developer"},
          {"/item", F::kString, true, "checklist item id"},
          {"/item_name", F::kString, true, "checklist item name"},
          {"/round", F::kInteger, true, "1 for the first inspection, 2.. for re-inspections"}};
}

std::vector<FieldDecl> acceptance_result_fields() {
  return {{"/acceptance_id", F::kString, true, "住建局's reference of the acceptance"},
          {"/acceptance_case", F::kInteger, false, "case id of the joint acceptance, when known"},
          {"/status", F::kString, true, "completed, failed, not_opened or reinspection_refused"},
          {"/items", F::kArray, false, "every item with its verdict"},
          {"/failed", F::kArray, false, "failed items: item, item_name, unit, defects, must_act"},
          {"/refused", F::kArray, false, "items not re-inspected: item, reason"},
          {"/reason", F::kString, false, "why the acceptance was not opened"}};
}

std::vector<FieldDecl> exit_public_notice_fields() {
  return {{"/exit_case", F::kInteger, true, "case id of the company's exit"},
          {"/company", F::kString, true, "the company that leaves"},
          {"/reason", F::kString, true, "why it leaves"},
          {"/exit_date", F::kDate, true, "from this date the company no longer serves the compound"},
          {"/successor", F::kString, false, "the successor company, if any"},
          {"/custodian", F::kString, false, "the 镇街 holding temporary custody, when there is no successor"},
          {"/approved_by", F::kString, true, "the 镇街 that approved"},
          {"/approved_on", F::kDate, true, "date of the approval"}};
}

std::vector<FieldDecl> exit_invalid_fields() {
  return {{"/exit_case", F::kInteger, true, "case id of the company's exit"},
          {"/reason", F::kString, true, "why the exit cannot take effect"}};
}

std::vector<FieldDecl> handover_fields() {
  return {{"/exit_case", F::kInteger, true, "case id of the company's exit"},
          {"/kind", F::kString, true, "meters_accounts (to a utility) or keys_drawings (to the successor or 镇街)"},
          {"/company", F::kString, true, "the company that leaves and hands over"},
          {"/receiver", F::kString, true, "who takes over the compound: the successor, or the 镇街 in custody"},
          {"/exit_date", F::kDate, true, "date the company leaves"},
          {"/what", F::kArray, true, "what is handed over"}};
}

std::vector<FieldDecl> handover_result_fields() {
  return {{"/exit_case", F::kInteger, true, "case id of the company's exit"},
          {"/status", F::kString, true, "completed (every handover done) or incomplete (some refused)"},
          {"/handovers", F::kArray, true, "every handover: unit, kind, outcome and what was answered"}};
}

// What final replies say, as declared for `hubctl types` and the docs; the reply
// checks below take their outcomes from here. A field needed by one outcome
// only is declared optional, its help naming that outcome.
std::vector<OutcomeDecl> item_outcomes() {
  return {{std::string(kPassed), "合格", "the item meets the standard; no /defects"},
          {std::string(kFailed), "不合格", "defects found: /defects and who must fix them in /must_act"}};
}

std::vector<FieldDecl> item_reply_fields() {
  return {{"/defects", F::kArray, false,
           "failed: required, the defects found (non-empty strings); passed: left out or empty"},
          {"/must_act", F::kString, false, "failed: required, who must fix the defects: \"developer\" or a unit id"},
          {"/remarks", F::kString, false, "any verdict: a remark, kept with the item's verdict"}};
}

std::vector<OutcomeDecl> exit_outcomes() {
  return {{std::string(kApproved), "同意退出",
           "the 镇街 approves: public notice, handovers, and the directory changes on /exit_date"},
          {std::string(kRefused), "不同意退出", "the 镇街 refuses, saying why in /reason; nothing changes"}};
}

std::vector<FieldDecl> exit_reply_fields() {
  return {{"/reason", F::kString, false, "refused: required, why the exit is refused"}};
}

std::vector<OutcomeDecl> handover_outcomes() {
  return {{std::string(kDone), "已交接",
           "taken over: /readings (meters_accounts) or /received (keys_drawings), at least one of them"},
          {std::string(kRefused), "不予接收", "cannot be taken over as handed, saying why in /reason"}};
}

std::vector<FieldDecl> handover_reply_fields() {
  return {{"/readings", F::kArray, false,
           "done: the meter readings and accounts taken over, non-empty strings or objects; this or /received"},
          {"/received", F::kArray, false,
           "done: what was received (keys, drawings, archives), non-empty strings or objects; this or /readings"},
          {"/reason", F::kString, false, "refused: required, why the handover cannot be taken over"}};
}

CaseTypeDecl with_replies(CaseTypeDecl decl, std::vector<OutcomeDecl> outcomes, std::vector<FieldDecl> reply_fields) {
  decl.outcomes = std::move(outcomes);
  decl.reply_fields = std::move(reply_fields);
  return decl;
}

void require_compound(const CaseView& c, Problems& problems) {
  if (c.compound.empty())
    problems.push_back({"", "the case must name its compound (the compound the " + c.type + " concerns)"});
}

void require_plugin_origin(const CaseView& c, Problems& problems) {
  if (c.origin != kOrigin) problems.push_back({"", c.type + " is raised by the utilities plugin only"});
}

// /items: a non-empty list of distinct checklist ids.
void check_items(const Json& payload, const Checklist& checklist, Problems& problems) {
  const Json* items = find_array(payload, "/items");
  if (items == nullptr) return;
  if (items->empty()) problems.push_back({"/items", "must name at least one checklist item"});
  std::set<std::string> seen;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string pointer = "/items/" + std::to_string(i);
    const Json& item = (*items)[i];
    if (!item.is_string()) {
      problems.push_back({pointer, "must be a checklist item id (a string)"});
    } else if (checklist.find(item.get<std::string>()) == checklist.end()) {
      problems.push_back({pointer, "unknown checklist item '" + item.get<std::string>() + "'"});
    } else if (!seen.insert(item.get<std::string>()).second) {
      problems.push_back({pointer, "item '" + item.get<std::string>() + "' is listed twice"});
    }
  }
}

// A non-empty array at `pointer` whose entries are non-empty strings (or, with
// `objects`, non-empty objects too, e.g. {"meter": .., "reading": ..}); `what` names it.
void check_list(const Json& body, const std::string& pointer, const std::string& what, bool objects,
                Problems& problems) {
  const Json* list = find_array(body, pointer);
  if (list == nullptr) {
    problems.push_back({pointer, what + ": required, a non-empty list"});
    return;
  }
  if (list->empty()) problems.push_back({pointer, what + ": must not be empty"});
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Json& entry = (*list)[i];
    const bool ok = (entry.is_string() && !entry.get_ref<const std::string&>().empty()) ||
                    (objects && entry.is_object() && !entry.empty());
    if (!ok) problems.push_back({pointer + "/" + std::to_string(i), objects ? "must be a non-empty string or object"
                                                                             : "must be a non-empty string"});
  }
}

bool non_empty_string(const Json& body, std::string_view pointer) {
  const std::string* s = find_string(body, pointer);
  return s != nullptr && !s->empty();
}

void check_outcome(const ReplyView& r, const std::vector<OutcomeDecl>& allowed, Problems& problems) {
  std::string list;
  for (const auto& a : allowed) {
    if (r.outcome == a.id) return;
    list += (list.empty() ? "\"" : ", \"") + a.id + "\"";
  }
  problems.push_back({"", "the outcome of a final reply must be one of " + list + ", not \"" + r.outcome + "\""});
}

Problems check_joint_acceptance(const CaseView& c, const Checklist& checklist) {
  Problems problems = check_fields(joint_acceptance_fields(), c.payload);
  require_compound(c, problems);
  check_items(c.payload, checklist, problems);
  return problems;
}

Problems check_reinspection(const CaseView& c, const Checklist& checklist) {
  Problems problems = check_fields(reinspection_fields(), c.payload);
  require_compound(c, problems);
  check_items(c.payload, checklist, problems);
  return problems;
}

Problems check_company_exit(const CaseView& c) {
  Problems problems = check_fields(company_exit_fields(), c.payload);
  require_compound(c, problems);
  if (!c.origin.starts_with("pm."))
    problems.push_back({"", "only a property company (pm.*) may ask to leave a compound"});
  const std::string* notice = find_date(c.payload, "/written_notice_on");
  const std::string* exit = find_date(c.payload, "/exit_date");
  if (notice && exit && !(*notice < *exit))
    problems.push_back({"/written_notice_on", "the written notice must come before the exit date (" + *exit + ")"});
  if (const std::string* successor = find_string(c.payload, "/successor"); successor && !successor->empty()) {
    if (!successor->starts_with("pm.") || successor->size() == 3)
      problems.push_back({"/successor", "must be a property company's unit id (pm.<name>), or empty when the 镇街 "
                                        "takes temporary custody"});
    else if (*successor == c.origin)
      problems.push_back({"/successor", "the company that leaves cannot succeed itself"});
  }
  return problems;
}

Problems check_raised(const CaseView& c, const std::vector<FieldDecl>& fields, bool compound) {
  Problems problems = check_fields(fields, c.payload);
  require_plugin_origin(c, problems);
  if (compound) require_compound(c, problems);
  return problems;
}

Problems check_acceptance_result(const CaseView& c) {
  Problems problems = check_raised(c, acceptance_result_fields(), true);
  const std::string* status = find_string(c.payload, "/status");
  if (status == nullptr) return problems;
  auto require_list = [&](const char* pointer) {
    const Json* list = find_array(c.payload, pointer);
    if (list == nullptr || list->empty())
      problems.push_back({pointer, "required, non-empty, with status \"" + *status + "\""});
  };
  if (*status == kFailed) {
    require_list("/failed");
  } else if (*status == kReinspectionRefused) {
    require_list("/refused");
  } else if (*status == kNotOpened) {
    if (!non_empty_string(c.payload, "/reason")) problems.push_back({"/reason", "required with status \"not_opened\""});
  } else if (*status == kCompleted) {
    require_list("/items");
  } else {
    problems.push_back({"/status", "must be completed, failed, not_opened or reinspection_refused"});
  }
  return problems;
}

Problems check_handover(const CaseView& c) {
  Problems problems = check_raised(c, handover_fields(), true);
  const std::string* kind = find_string(c.payload, "/kind");
  if (kind && *kind != kMetersAccounts && *kind != kKeysDrawings)
    problems.push_back({"/kind", "must be meters_accounts or keys_drawings"});
  return problems;
}

Problems check_handover_result(const CaseView& c) {
  Problems problems = check_raised(c, handover_result_fields(), true);
  const std::string* status = find_string(c.payload, "/status");
  if (status && *status != kCompleted && *status != kIncomplete)
    problems.push_back({"/status", "must be completed or incomplete"});
  return problems;
}

Problems check_item_reply(const ReplyView& r) {
  Problems problems;
  check_outcome(r, item_outcomes(), problems);
  if (r.outcome == kFailed) {
    check_list(r.body, "/defects", "the defects found", false, problems);
    if (!non_empty_string(r.body, "/must_act"))
      problems.push_back({"/must_act", "required: who must fix the defects, \"developer\" or a unit id"});
  } else if (r.outcome == kPassed) {
    const Json* defects = find_array(r.body, "/defects");
    if (defects && !defects->empty()) problems.push_back({"/defects", "a passed item lists no defects"});
  }
  return problems;
}

Problems check_exit_reply(const ReplyView& r) {
  Problems problems;
  check_outcome(r, exit_outcomes(), problems);
  if (r.outcome == kRefused && !non_empty_string(r.body, "/reason"))
    problems.push_back({"/reason", "a refusal needs a reason"});
  return problems;
}

Problems check_handover_reply(const ReplyView& r) {
  Problems problems;
  check_outcome(r, handover_outcomes(), problems);
  if (r.outcome == kRefused && !non_empty_string(r.body, "/reason"))
    problems.push_back({"/reason", "a refusal needs a reason"});
  if (r.outcome == kDone) {
    const bool readings = payload_detail::find(r.body, "/readings") != nullptr;
    const bool received = payload_detail::find(r.body, "/received") != nullptr;
    if (!readings && !received)
      problems.push_back({"", "a done handover says what was taken over: /readings (meter readings and accounts) or "
                              "/received (keys, drawings, archives)"});
    if (readings) check_list(r.body, "/readings", "the meter readings and accounts", true, problems);
    if (received) check_list(r.body, "/received", "what was received", true, problems);
  }
  return problems;
}

}  // namespace

std::vector<CaseTypeDecl> case_type_decls() {
  // The types without outcomes or reply fields are those whose replies
  // check_reply does not check (any outcome, any body): the joint acceptance
  // and the reinspection (the deployment's config sends them to the 镇街 as
  // notices), and the plugin's results and notices (the hub refuses a final
  // reply to a notice).
  return {{std::string(kJointAcceptance), "联合验收", "1wd", "20wd", joint_acceptance_fields()},
          {std::string(kReinspection), "复验申请", "1wd", "10wd", reinspection_fields()},
          with_replies({std::string(kCompanyExit), "物业企业退出", "1wd", "5wd", company_exit_fields()},
                       exit_outcomes(), exit_reply_fields()),
          with_replies({std::string(kAcceptanceItem), "联合验收事项", "1wd", "5wd", acceptance_item_fields()},
                       item_outcomes(), item_reply_fields()),
          {std::string(kAcceptanceResult), "联合验收结果", "1wd", "5wd", acceptance_result_fields()},
          {std::string(kExitPublicNotice), "退出公示", "1wd", "5wd", exit_public_notice_fields()},
          {std::string(kExitInvalid), "物业企业退出申请无效通知", "1wd", "5wd", exit_invalid_fields()},
          with_replies({std::string(kHandover), "交接事项", "1wd", "10wd", handover_fields()}, handover_outcomes(),
                       handover_reply_fields()),
          {std::string(kHandoverResult), "交接结果", "1wd", "5wd", handover_result_fields()}};
}

Problems check_case(const CaseView& c, const Checklist& checklist) {
  if (c.type == kJointAcceptance) return check_joint_acceptance(c, checklist);
  if (c.type == kReinspection) return check_reinspection(c, checklist);
  if (c.type == kCompanyExit) return check_company_exit(c);
  if (c.type == kAcceptanceItem) {
    Problems problems = check_raised(c, acceptance_item_fields(), true);
    if (const Json* round = find_number(c.payload, "/round"); round && round->is_number_integer() && round->get<long long>() < 1)
      problems.push_back({"/round", "must be 1 or more"});
    return problems;
  }
  if (c.type == kAcceptanceResult) return check_acceptance_result(c);
  if (c.type == kExitPublicNotice) return check_raised(c, exit_public_notice_fields(), true);
  if (c.type == kExitInvalid) return check_raised(c, exit_invalid_fields(), true);
  if (c.type == kHandover) return check_handover(c);
  if (c.type == kHandoverResult) return check_handover_result(c);
  return {{"", "case type " + c.type + " is not a utilities type"}};
}

Problems check_reply(const std::string& type, const ReplyView& r) {
  if (!r.final) return {};
  if (type == kAcceptanceItem) return check_item_reply(r);
  if (type == kCompanyExit) return check_exit_reply(r);
  if (type == kHandover) return check_handover_reply(r);
  return {};
}

}  // namespace hub::utilities
