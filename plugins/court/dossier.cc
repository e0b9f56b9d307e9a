#include "dossier.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>

namespace hub::court {
namespace {

std::string yuan(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2f", v);
  return text;
}

std::string item_pointer(const std::string& array, std::size_t i) { return array + "/" + std::to_string(i); }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return s;
}

std::string method_list() {
  std::string out;
  for (const char* m : kReminderMethods) out += (out.empty() ? "" : ", ") + std::string(m);
  return out;
}

bool known_method(const std::string& m) {
  return std::any_of(std::begin(kReminderMethods), std::end(kReminderMethods), [&](const char* k) { return m == k; });
}

// A required string member of an array item: a problem when absent, mistyped or empty.
void require_item_string(const Json& item, const std::string& at, const char* name, Problems& out) {
  const auto it = item.find(name);
  if (it == item.end() || it->is_null())
    out.push_back({at + "/" + name, "required string is missing"});
  else if (!it->is_string())
    out.push_back({at + "/" + name, "must be a string"});
  else if (it->get_ref<const std::string&>().empty())
    out.push_back({at + "/" + name, "must not be empty"});
}

void optional_item_string(const Json& item, const std::string& at, const char* name, Problems& out) {
  const auto it = item.find(name);
  if (it != item.end() && !it->is_null() && !it->is_string()) out.push_back({at + "/" + name, "must be a string"});
}

void check_claim(const Json& p, const std::string* referred_on, Problems& out) {
  const Json* principal = find_number(p, "/claim/principal_yuan");
  const Json* late_fee = find_number(p, "/claim/late_fee_yuan");
  const Json* total = find_number(p, "/claim/total_yuan");
  if (principal && principal->get<double>() <= 0)
    out.push_back({"/claim/principal_yuan", "must be more than 0 (the unpaid property fees claimed, in yuan)"});
  if (late_fee && late_fee->get<double>() < 0)
    out.push_back({"/claim/late_fee_yuan", "must not be negative (0 when no late fee is claimed)"});
  if (principal && late_fee && total &&
      !same_amount(principal->get<double>() + late_fee->get<double>(), total->get<double>()))
    out.push_back({"/claim/total_yuan", "is " + yuan(total->get<double>()) + " but principal_yuan + late_fee_yuan = " +
                                            yuan(principal->get<double>()) + " + " + yuan(late_fee->get<double>()) +
                                            " = " + yuan(principal->get<double>() + late_fee->get<double>()) +
                                            ": the amounts must add up to the fen"});

  const std::string* from = find_month(p, "/claim/period/from");
  const std::string* to = find_month(p, "/claim/period/to");
  if (from && to && *from > *to)
    out.push_back({"/claim/period", "runs backwards: from " + *from + " is after to " + *to +
                                        ": give the first and the last month claimed"});
  if (to && referred_on && *to > referred_on->substr(0, 7))
    out.push_back({"/claim/period/to", *to + " is after the month of the referral (" + referred_on->substr(0, 7) +
                                           "): only fees already due can be claimed"});
}

void check_reminders(const Json& p, const std::string* referred_on, const CourtSettings& s, Problems& out) {
  const Json* reminders = find_array(p, "/reminders");
  if (!reminders) return;  // missing or mistyped: check_fields reported it
  int written_in_time = 0;
  for (std::size_t i = 0; i < reminders->size(); ++i) {
    const Json& r = (*reminders)[i];
    const std::string at = item_pointer("/reminders", i);
    if (!r.is_object()) {
      out.push_back({at, "must be an object {date, method, reference?}"});
      continue;
    }
    const std::string* date = find_string(r, "/date");
    bool date_in_time = false;
    if (!r.contains("date") || r["date"].is_null())
      out.push_back({at + "/date", "required date (YYYY-MM-DD) is missing: when the reminder was sent"});
    else if (!find_date(r, "/date"))
      out.push_back({at + "/date", "must be a date (YYYY-MM-DD)"});
    else if (referred_on && *date > *referred_on)
      out.push_back({at + "/date", *date + " is after the referral date " + *referred_on +
                                       ": list only reminders sent before the case is referred"});
    else
      date_in_time = true;

    const std::string* method = find_string(r, "/method");
    if (!r.contains("method") || r["method"].is_null())
      out.push_back({at + "/method", "required string is missing: one of " + method_list()});
    else if (!method || !known_method(*method))
      out.push_back({at + "/method", "must be one of " + method_list()});
    else if (*method == "written" && date_in_time)
      ++written_in_time;
    optional_item_string(r, at, "reference", out);
  }
  if (written_in_time >= s.min_written_reminders) return;
  if (s.min_written_reminders == 1)
    out.push_back({"/reminders", "no written reminder (书面催缴) sent before the referral: Civil Code art. 944 requires "
                                 "the owner to be reminded before being sued; list the written reminder "
                                 "(method \"written\") with its date and reference, or send one first"});
  else
    out.push_back({"/reminders", std::to_string(written_in_time) + " written reminder(s) (书面催缴) sent before the "
                                 "referral, " + std::to_string(s.min_written_reminders) +
                                     " required (Civil Code art. 944 and this channel's rules): list them with "
                                     "method \"written\", their dates and references"});
}

// An evidence item's document: `attachment` names one of the referral's files
// by its sha256; required when the court takes its evidence as attachments.
void check_evidence_document(const Json& e, const std::string& at, const CaseView& c, const CourtSettings& s,
                             Problems& out) {
  const std::string* attachment = find_string(e, "/attachment");
  if (attachment == nullptr) {
    if (e.contains("attachment"))
      out.push_back({at + "/attachment", "must be the sha256 of one of the referral's attached files"});
    else if (s.evidence_as_attachments)
      out.push_back({at + "/attachment", "is required: this court takes the evidence as files; upload the document, "
                                         "attach it to the referral and name its sha256 here"});
    return;
  }
  const bool attached = std::any_of(c.attachments.begin(), c.attachments.end(),
                                    [&](const AttachmentView& a) { return a.sha256 == *attachment; });
  if (!attached)
    out.push_back({at + "/attachment", "names no file attached to the referral: add the file to the referral's "
                                       "attachments, or correct the sha256"});
}

void check_evidence(const CaseView& c, const CourtSettings& s, Problems& out) {
  const Json& p = c.payload;
  const Json* evidence = find_array(p, "/evidence");
  if (!evidence) return;
  if (evidence->empty()) {
    out.push_back({"/evidence", "is empty: list the evidence, at least the property service contract (物业服务合同) "
                                "as {title, kind: \"contract\"}"});
    return;
  }
  bool has_contract = false;
  for (std::size_t i = 0; i < evidence->size(); ++i) {
    const Json& e = (*evidence)[i];
    const std::string at = item_pointer("/evidence", i);
    if (!e.is_object()) {
      out.push_back({at, "must be an object {title, kind?}"});
      continue;
    }
    require_item_string(e, at, "title", out);
    optional_item_string(e, at, "kind", out);
    check_evidence_document(e, at, c, s, out);
    const std::string* kind = find_string(e, "/kind");
    has_contract = has_contract || (kind && *kind == "contract");
  }
  if (!has_contract)
    out.push_back({"/evidence", "does not list the property service contract (物业服务合同): add it as "
                                "{title, kind: \"contract\"}"});
}

void check_collection_measures(const Json& p, const CourtSettings& s, Problems& out) {
  const Json* measures = find_array(p, "/collection_measures");
  if (!measures) return;
  for (std::size_t i = 0; i < measures->size(); ++i) {
    const Json& m = (*measures)[i];
    const std::string at = item_pointer("/collection_measures", i);
    if (!m.is_string()) {
      out.push_back({at, "must be a string naming a measure taken, e.g. \"written_reminder\""});
      continue;
    }
    const std::string name = lower(m.get<std::string>());
    const bool forbidden =
        std::any_of(s.forbidden_collection_measures.begin(), s.forbidden_collection_measures.end(),
                    [&](const std::string& f) { return lower(f) == name; });
    if (forbidden)
      out.push_back({at, "\"" + m.get<std::string>() + "\" is forbidden: Civil Code art. 944 bars cutting off water, "
                         "power, heating or gas to press for property fees (不得采取停止供电、供水、供热、供燃气等方式催交"
                         "物业费); restore the supply before referring the case"});
  }
}

}  // namespace

std::vector<FieldDecl> dossier_fields() {
  return {
      {"/referred_on", FieldType::kDate, true, "date of the referral; reminders and the period claimed are not after it"},
      {"/plaintiff", FieldType::kObject, true, "the claimant (原告), normally the property company"},
      {"/plaintiff/name", FieldType::kString, true, "registered name"},
      {"/plaintiff/unit", FieldType::kString, false, "its unit id in the hub, e.g. pm.jinxiu"},
      {"/defendant", FieldType::kObject, true, "the owner or occupant in arrears (被告)"},
      {"/defendant/name", FieldType::kString, true, "full name"},
      {"/defendant/dwelling", FieldType::kString, true, "building, unit and room"},
      {"/defendant/phone", FieldType::kString, false, "contact phone"},
      {"/contract", FieldType::kObject, true, "the property service contract (物业服务合同)"},
      {"/contract/reference", FieldType::kString, true, "the contract's number"},
      {"/contract/signed_on", FieldType::kDate, true, "when it was signed; not after the referral"},
      {"/claim", FieldType::kObject, true, "what is claimed"},
      {"/claim/principal_yuan", FieldType::kNumber, true, "unpaid property fees, more than 0"},
      {"/claim/late_fee_yuan", FieldType::kNumber, true, "late fees (违约金), 0 or more"},
      {"/claim/total_yuan", FieldType::kNumber, true, "principal plus late fee, to the fen"},
      {"/claim/period", FieldType::kObject, true, "the months the fees are for"},
      {"/claim/period/from", FieldType::kMonth, true, "first month claimed"},
      {"/claim/period/to", FieldType::kMonth, true, "last month claimed, not after the referral's month"},
      {"/reminders", FieldType::kArray, true,
       "reminders sent, each {date, method: written|phone|visit|notice_posted, reference?}; at least one written "
       "(Civil Code art. 944)"},
      {"/evidence", FieldType::kArray, true,
       "evidence list, each {title, kind?, attachment?}; the contract with kind \"contract\"; attachment: the "
       "sha256 of one of the referral's files (required when the court takes evidence as files)"},
      {"/collection_measures", FieldType::kArray, false,
       "measures taken to collect, e.g. \"written_reminder\"; cut_water, cut_power, cut_heating or cut_gas make the "
       "referral inadmissible (Civil Code art. 944)"},
  };
}

Problems check_dossier(const CaseView& c, const CourtSettings& settings) {
  Problems out = check_fields(dossier_fields(), c.payload);
  if (!c.payload.is_object()) return out;
  if (c.compound.empty())
    out.insert(out.begin(), {"", "the referral names no compound (小区): send it with the compound of the "
                                 "defendant's dwelling, so that its 镇街 is informed"});
  const Json& p = c.payload;
  const std::string* referred_on = find_date(p, "/referred_on");
  if (const std::string* signed_on = find_date(p, "/contract/signed_on"); signed_on && referred_on &&
                                                                           *signed_on > *referred_on)
    out.push_back({"/contract/signed_on", *signed_on + " is after the referral date " + *referred_on});
  check_claim(p, referred_on, out);
  check_reminders(p, referred_on, settings, out);
  check_evidence(c, settings, out);
  check_collection_measures(p, settings, out);
  return out;
}

}  // namespace hub::court
