#include "status_notice.h"

#include <ctime>
#include <string>

#include "court_reply.h"

namespace hub::court {
namespace {

std::string iso_utc(TimePoint t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

// What the court's reply says, copied into the notice as it is.
constexpr const char* kReplyDetails[] = {"hearing_date", "hearing_place", "reasons", "judgment",
                                         "amount_awarded_yuan", "agreed_amount_yuan", "note"};

}  // namespace

std::vector<FieldDecl> status_notice_fields() {
  return {
      {"/referral", FieldType::kObject, true, "the referral this is about"},
      {"/referral/case", FieldType::kInteger, true, "its case id in the hub"},
      {"/referral/reference", FieldType::kString, true, "the referring unit's reference"},
      {"/referral/origin", FieldType::kString, true, "the referring unit"},
      {"/court", FieldType::kString, true, "the unit that replied"},
      {"/reply", FieldType::kInteger, true, "the reply's id in the hub"},
      {"/status", FieldType::kString, true,
       "under_review, accepted, hearing_scheduled (progress); returned, judged, mediated, withdrawn (final)"},
      {"/final", FieldType::kBoolean, true, "true when the court has concluded the referral"},
      {"/case_number", FieldType::kString, false, "the court's case number (案号), once accepted"},
      {"/reasons", FieldType::kArray, false, "why the court returned the referral"},
      {"/history", FieldType::kArray, true, "every status so far, oldest first"},
  };
}

Json record_reply(Json progress, const ReplyView& reply, TimePoint at) {
  if (!progress.is_object()) progress = Json::object();
  Json& history = progress["history"];
  if (!history.is_array()) history = Json::array();
  for (const auto& entry : history)
    if (entry.value("reply", std::int64_t{0}) == reply.id) return progress;
  const std::string status = reply_status(reply);
  history.push_back({{"reply", reply.id}, {"from", reply.from}, {"status", status}, {"final", reply.final},
                     {"at", iso_utc(at)}});
  progress["status"] = status;
  progress["final"] = progress.value("final", false) || reply.final;
  if (const std::string* number = find_string(reply.body, "/case_number"); number && !number->empty())
    progress["case_number"] = *number;
  return progress;
}

Json status_notice_payload(const CaseView& referral, const ReplyView& reply, const Json& progress) {
  Json about = {{"case", referral.id}, {"reference", referral.reference}, {"origin", referral.origin}};
  if (const std::string* name = find_string(referral.payload, "/defendant/name")) about["defendant"] = *name;
  if (const std::string* dwelling = find_string(referral.payload, "/defendant/dwelling")) about["dwelling"] = *dwelling;
  if (const Json* total = find_number(referral.payload, "/claim/total_yuan")) about["total_yuan"] = *total;

  Json notice = {{"referral", std::move(about)}, {"court", reply.from},         {"reply", reply.id},
                 {"status", reply_status(reply)}, {"final", reply.final},
                 {"history", progress.value("history", Json::array())}};
  if (const std::string* number = find_string(reply.body, "/case_number"); number && !number->empty())
    notice["case_number"] = *number;
  else if (progress.contains("case_number"))
    notice["case_number"] = progress["case_number"];
  for (const char* key : kReplyDetails)
    if (auto it = reply.body.find(key); it != reply.body.end() && !it->is_null()) notice[key] = *it;
  return notice;
}

}  // namespace hub::court
