#include "court_reply.h"

namespace hub::court {
namespace {

// A top-level member of the body, or nullptr when absent or null.
const Json* member(const Json& body, const char* pointer) {
  const auto it = body.find(pointer + 1);  // skip the leading '/'
  return it == body.end() || it->is_null() ? nullptr : &*it;
}

constexpr const char* kProgressStatuses = "under_review (审查中), accepted (受理) or hearing_scheduled (开庭排期)";
constexpr const char* kOutcomes = "returned (退回, with /reasons), judged (判决), mediated (调解) or withdrawn (撤诉)";

void require_string(const Json& body, const char* pointer, const std::string& what, Problems& out) {
  const Json* v = member(body, pointer);
  if (v == nullptr)
    out.push_back({pointer, "required: " + what});
  else if (!v->is_string())
    out.push_back({pointer, "must be a string: " + what});
  else if (v->get_ref<const std::string&>().empty())
    out.push_back({pointer, "must not be empty: " + what});
}

void require_case_number(const Json& body, const std::string& status, Problems& out) {
  require_string(body, "/case_number", "the court's case number (案号), e.g. \"(2026)内0430民初1234号\", which every " +
                                           status + " reply carries",
                 out);
}

void check_amount(const Json& body, const char* pointer, bool required, Problems& out) {
  const Json* v = member(body, pointer);
  if (v == nullptr) {
    if (required) out.push_back({pointer, "required number is missing: the amount in yuan"});
  } else if (!v->is_number()) {
    out.push_back({pointer, "must be a number (yuan)"});
  } else if (v->get<double>() < 0) {
    out.push_back({pointer, "must not be negative"});
  }
}

void check_hearing_date(const Json& body, Problems& out) {
  const Json* v = member(body, "/hearing_date");
  if (v == nullptr)
    out.push_back({"/hearing_date", "required: the hearing's date (YYYY-MM-DD) or date and time (ISO 8601)"});
  else if (!find_date(body, "/hearing_date") &&
           !check_fields({{"/hearing_date", FieldType::kDateTime, true, ""}}, body).empty())
    out.push_back({"/hearing_date", "must be a date (YYYY-MM-DD) or a date and time (ISO 8601)"});
  const Json* place = member(body, "/hearing_place");
  if (place != nullptr && !place->is_string())
    out.push_back({"/hearing_place", "must be a string"});
}

void check_reasons(const Json& body, Problems& out) {
  const Json* reasons = member(body, "/reasons");
  if (reasons == nullptr || !reasons->is_array() || reasons->empty()) {
    out.push_back({"/reasons", "a return (退回) lists its reasons: a non-empty list of strings, each saying what the "
                               "referring unit must fix"});
    return;
  }
  for (std::size_t i = 0; i < reasons->size(); ++i) {
    const Json& r = (*reasons)[i];
    if (!r.is_string() || r.get_ref<const std::string&>().empty())
      out.push_back({"/reasons/" + std::to_string(i), "must be a non-empty string"});
  }
}

}  // namespace

std::vector<OutcomeDecl> court_outcomes() {
  return {
      {"returned", "退回", "the referral cannot be accepted as it is: /reasons says what the referring unit must fix"},
      {"judged", "判决", "the court gave judgment: /case_number, /judgment and /amount_awarded_yuan"},
      {"mediated", "调解", "the parties settled by mediation: /case_number, and /agreed_amount_yuan if any"},
      {"withdrawn", "撤诉", "the plaintiff withdrew the suit: /case_number"},
  };
}

std::vector<FieldDecl> court_reply_fields() {
  using F = FieldType;
  return {
      {"/status", F::kString, false,
       "progress replies (final: false) only, required there: under_review, accepted or hearing_scheduled"},
      {"/case_number", F::kString, false,
       "the court's case number (案号); required with status accepted or hearing_scheduled and with outcomes "
       "judged, mediated and withdrawn"},
      {"/hearing_date", F::kString, false,
       "status hearing_scheduled: required, a date (YYYY-MM-DD) or an ISO 8601 date and time"},
      {"/hearing_place", F::kString, false, "status hearing_scheduled: where the hearing is held"},
      {"/reasons", F::kArray, false,
       "outcome returned: required, a non-empty list of strings, each saying what to fix"},
      {"/judgment", F::kString, false, "outcome judged: required, a summary of the judgment (判决主文)"},
      {"/amount_awarded_yuan", F::kNumber, false, "outcome judged: required, the amount awarded in yuan, 0 or more"},
      {"/agreed_amount_yuan", F::kNumber, false, "outcome mediated: the agreed amount in yuan, 0 or more"},
      {"/note", F::kString, false, "any reply: a remark"},
  };
}

std::string reply_status(const ReplyView& reply) {
  if (reply.final) return reply.outcome;
  const std::string* status = find_string(reply.body, "/status");
  return status ? *status : std::string();
}

Problems check_court_reply(const ReplyView& reply) {
  Problems out;
  const Json& body = reply.body.is_object() ? reply.body : Json::object();
  if (const Json* note = member(body, "/note"); note && !note->is_string())
    out.push_back({"/note", "must be a string"});
  if (!reply.final) {
    const Json* status = member(body, "/status");
    if (status == nullptr || !status->is_string()) {
      out.push_back({"/status", std::string("a progress reply (final: false) names its status in /status: ") +
                                    kProgressStatuses + "; outcomes are for the final reply"});
      return out;
    }
    const std::string& s = status->get_ref<const std::string&>();
    if (s == "under_review") return out;
    if (s == "accepted") {
      require_case_number(body, "accepted", out);
    } else if (s == "hearing_scheduled") {
      require_case_number(body, "hearing_scheduled", out);
      check_hearing_date(body, out);
    } else {
      out.push_back({"/status", "unknown status \"" + s + "\": expected " + kProgressStatuses +
                                    "; a final reply uses the outcome " + kOutcomes});
    }
    return out;
  }
  const std::string& o = reply.outcome;
  if (o == "returned") {
    check_reasons(body, out);
  } else if (o == "judged") {
    require_case_number(body, "judged", out);
    require_string(body, "/judgment", "a summary of the judgment (判决主文)", out);
    check_amount(body, "/amount_awarded_yuan", true, out);
  } else if (o == "mediated") {
    require_case_number(body, "mediated", out);
    check_amount(body, "/agreed_amount_yuan", false, out);
  } else if (o == "withdrawn") {
    require_case_number(body, "withdrawn", out);
  } else {
    out.push_back({"", "outcome \"" + o + "\" is not a court outcome: a final reply is " + kOutcomes +
                           "; acceptance and hearings are progress replies (final: false) with /status"});
  }
  return out;
}

}  // namespace hub::court
