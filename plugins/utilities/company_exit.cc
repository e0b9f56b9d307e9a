#include "company_exit.h"

#include "case_types.h"
#include "local_dates.h"
#include "hook_helpers.h"

namespace hub::utilities {
namespace {

// A reply to an exit whose record was never stored.
HookResult no_exit_record(CaseId exit_case) {
  return HookResult::Error("no state for exit case " + std::to_string(exit_case) +
                           ": its on_accepted hook never completed; replay that hook task first (hubctl parked "
                           "--what hooks), then this one");
}

constexpr const char* kPending = "pending";
constexpr const char* kInvalid = "invalid";

// Why another exit of the compound blocks this one, or "".
std::string blocking_exit(HookContext& ctx, const CaseView& c) {
  auto open = ctx.load_global(open_exit_key(c.compound));
  if (!open || !open->is_number_integer() || open->get<CaseId>() == c.id) return {};
  const CaseId other = open->get<CaseId>();
  auto record = ctx.load_global(exit_key(other));
  if (!record || !record->is_object()) return {};
  const std::string status = record->value("status", "");
  if (status == kPending) return "exit case " + std::to_string(other) + " of this compound awaits the 镇街's decision";
  if (status == kApproved) {
    const std::string exit_date = record->value("exit_date", "");
    const auto effective = start_of_local_day(exit_date);
    if (effective && ctx.now() < *effective)
      return "exit case " + std::to_string(other) + " of this compound was approved and takes effect on " + exit_date;
  }
  return {};
}

FollowUpCase invalid_notice(const CaseView& exit, std::string key, const std::string& reason,
                            std::vector<std::string> cc) {
  return {std::string(kExitInvalid), std::move(key), exit.compound, {{"exit_case", exit.id}, {"reason", reason}}, {},
          distinct_units(std::move(cc))};
}

Json handed_over(const std::string& kind) {
  if (kind == kMetersAccounts) return {"表具读数", "账户（户头）交接"};
  return {"钥匙", "图纸资料", "档案资料"};
}

std::string handover_key(const std::string& kind, const std::string& unit) { return kind + "/" + unit; }

// Every effect of an approved exit; `record` gains the handovers it opens.
void approve(const Settings& settings, HookContext& ctx, const CaseView& c, const ReplyView& r, Json& record) {
  const std::string reply = std::to_string(r.id);
  const std::string company = record["company"], successor = record["successor"], subdistrict = record["subdistrict"];
  const std::string exit_date = record["exit_date"];
  const std::string receiver = successor.empty() ? subdistrict : successor;

  Json notice = {{"exit_case", c.id},          {"company", company},
                 {"reason", record["reason"]}, {"exit_date", exit_date},
                 {"successor", successor},     {"custodian", successor.empty() ? subdistrict : ""},
                 {"approved_by", r.from},      {"approved_on", record["decided_on"]}};
  ctx.raise({std::string(kExitPublicNotice), "public_notice/" + reply, c.compound, std::move(notice), {},
             distinct_units({ctx.resolve_role(c.compound, "community"), ctx.resolve_role(c.compound, "team"),
                             ctx.resolve_role(c.compound, "committee"), company, successor})});

  auto open_handover = [&](const std::string& kind, const std::string& unit) {
    ctx.raise({std::string(kHandover),
               "handover/" + handover_key(kind, unit) + "/" + reply,
               c.compound,
               {{"exit_case", c.id},
                {"kind", kind},
                {"company", company},
                {"receiver", receiver},
                {"exit_date", exit_date},
                {"what", handed_over(kind)}},
               {unit},
               {company}});
    record["handovers"][handover_key(kind, unit)] = {{"unit", unit}, {"kind", kind}, {"outcome", nullptr}};
  };
  for (const auto& unit : settings.utility_units) open_handover(std::string(kMetersAccounts), unit);
  open_handover(std::string(kKeysDrawings), receiver);

  const TimePoint effective = start_of_local_day(exit_date).value();  // validate() admitted only dates
  if (successor.empty()) {
    ctx.change_directory(c.compound, "company", "", effective);
    ctx.change_directory(c.compound, "custodian", subdistrict, effective);
  } else {
    ctx.change_directory(c.compound, "company", successor, effective);
  }
}

}  // namespace

std::string exit_key(CaseId exit_case) { return "exit/" + std::to_string(exit_case); }
std::string open_exit_key(const std::string& compound) { return "exit_open/" + compound; }

HookResult receive_exit(HookContext& ctx, const CaseView& c) {
  const auto info = ctx.compound_info(c.compound);
  const std::string company = info ? info->value("company", "") : "";
  Json record = {{"compound", c.compound},
                 {"company", c.origin},
                 {"reason", c.payload.at("reason")},
                 {"exit_date", c.payload.at("exit_date")},
                 {"written_notice_on", c.payload.at("written_notice_on")},
                 {"successor", text_at(c.payload, "/successor")},
                 {"subdistrict", ctx.resolve_role(c.compound, "subdistrict")},
                 {"status", kPending},
                 {"handovers", Json::object()}};
  std::string problem;
  if (company != c.origin)
    problem = c.origin + " is not the property company of compound " + c.compound + " (the directory names " +
              (company.empty() ? std::string("none") : company) + "): its exit cannot take effect";
  else
    problem = blocking_exit(ctx, c);
  if (!problem.empty()) {
    record["status"] = kInvalid;
    record["invalid_reason"] = problem;
    ctx.raise(invalid_notice(c, "invalid", problem, {c.origin, record["subdistrict"]}));
  } else {
    ctx.store_global(open_exit_key(c.compound), c.id);
  }
  ctx.store_global(exit_key(c.id), std::move(record));
  return {};
}

HookResult decide_exit(const Settings& settings, HookContext& ctx, const CaseView& c, const ReplyView& r) {
  if (!r.final) return {};  // progress notes, and copies' remarks, decide nothing
  auto stored = ctx.load_global(exit_key(c.id));
  if (!stored || !stored->is_object()) return no_exit_record(c.id);
  Json record = std::move(*stored);
  const std::string reply = std::to_string(r.id);
  const std::string status = record.value("status", "");
  if (status == kInvalid) {
    if (r.outcome == kApproved)
      ctx.raise(invalid_notice(c, "void/" + reply,
                               "the approval changes nothing: " + record.value("invalid_reason", std::string()),
                               {r.from, c.origin}));
    return {};
  }
  if (status != kPending) return {};
  if (r.from != record.value("subdistrict", "")) {
    ctx.raise(invalid_notice(c, "not_subdistrict/" + reply,
                             "only the 镇街 " + record.value("subdistrict", std::string()) +
                                 " decides on this exit; the reply of " + r.from + " changes nothing",
                             {r.from, c.origin}));
    return {};
  }
  record["decided_by"] = r.from;
  record["decided_on"] = local_date(ctx.now());
  if (r.outcome == kRefused) {
    record["status"] = kRefused;
    record["refusal"] = text_at(r.body, "/reason");
    ctx.store_global(open_exit_key(c.compound), nullptr);
  } else {
    record["status"] = kApproved;
    approve(settings, ctx, c, r, record);
  }
  ctx.store_global(exit_key(c.id), std::move(record));
  return {};
}

HookResult record_handover(HookContext& ctx, const CaseView& handover_case, const ReplyView& r) {
  if (!r.final) return {};
  const CaseId exit_case = handover_case.payload.at("exit_case").get<CaseId>();
  auto stored = ctx.load_global(exit_key(exit_case));
  if (!stored || !stored->is_object()) return no_exit_record(exit_case);
  Json record = std::move(*stored);
  const std::string key = handover_key(handover_case.payload.at("kind").get<std::string>(), r.from);
  if (!record["handovers"].contains(key) || !record["handovers"][key]["outcome"].is_null()) return {};
  Json& entry = record["handovers"][key];
  entry["outcome"] = r.outcome;
  entry["answer"] = r.body;
  entry["handover_case"] = handover_case.id;

  bool answered = true, done = true;
  Json list = Json::array();
  for (const auto& [k, h] : record["handovers"].items()) {
    answered = answered && !h["outcome"].is_null();
    done = done && h["outcome"] == kDone;
    list.push_back(h);
  }
  if (answered && !record.value("result_sent", false)) {
    const std::string status(done ? kCompleted : kIncomplete);
    record["result_sent"] = true;
    record["handover_status"] = status;
    ctx.raise({std::string(kHandoverResult),
               "result/" + std::to_string(r.id),
               handover_case.compound,
               {{"exit_case", exit_case},
                {"status", status},
                {"company", record["company"]},
                {"successor", record["successor"]},
                {"handovers", std::move(list)}},
               {},
               distinct_units({record.value("subdistrict", "")})});
  }
  ctx.store_global(exit_key(exit_case), std::move(record));
  return {};
}

}  // namespace hub::utilities
