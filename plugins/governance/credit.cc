#include "credit.h"

#include <cstdint>

#include "case_types.h"
#include "common.h"
#include "hub/payload.h"

namespace hub::governance {
namespace {

void check_company(const Json& payload, Problems& problems) {
  const std::string* company = find_string(payload, "/company");
  if (company != nullptr && !company->empty() && (!company->starts_with("pm.") || company->size() == 3))
    problems.push_back({"/company", "must be a property company's unit id, pm.<name>; found '" + *company + "'"});
}

// Announces a change of the company's status, if `file`'s points moved it to
// another list; updates the file's status. `key` names the follow-up.
void announce_status(HookContext& ctx, const CreditRules& rules, const CaseView& c, Json& file, const Json& cause,
                     const std::string& key) {
  const std::string before = file.value("status", "normal");
  const std::string after = credit_status(rules, file["points"].get<long long>());
  if (before == after) return;
  const std::string today = local_date(ctx.now());
  file["status"] = after;
  file["status_since"] = today;
  const std::string company = file["company"].get<std::string>();
  std::vector<std::string> cc = {company};
  cc.insert(cc.end(), rules.status_notice_to.begin(), rules.status_notice_to.end());
  if (!c.compound.empty())
    if (std::string subdistrict = ctx.resolve_role(c.compound, "subdistrict"); !subdistrict.empty())
      cc.push_back(subdistrict);
  ctx.raise({kCreditStatusNotice, key, c.compound,
             {{"company", company},
              {"status", after},
              {"status_name", credit_status_name(after)},
              {"previous_status", before},
              {"points", file["points"]},
              {"changed_on", today},
              {"cause", cause}},
             {},
             cc});
}

void tell_company(HookContext& ctx, const CaseView& c, const Json& file, const Json& event, const std::string& key) {
  const std::string company = file["company"].get<std::string>();
  ctx.raise({kCreditEventNotice, key, c.compound,
             {{"company", company}, {"event", event}, {"points", file["points"]}, {"status", file["status"]}},
             {},
             {company}});
}

}  // namespace

std::string credit_status(const CreditRules& rules, long long points) {
  if (points >= rules.red_list_at) return "red_list";
  if (points <= rules.black_list_at) return "black_list";
  return "normal";
}

std::string credit_status_name(const std::string& status) {
  if (status == "red_list") return "红名单";
  if (status == "black_list") return "黑名单";
  return "正常";
}

std::string credit_key(const std::string& company) { return "credit/" + company; }

Json load_credit_file(HookContext& ctx, const CreditRules& rules, const std::string& company) {
  if (auto stored = ctx.load_global(credit_key(company)); stored && stored->is_object()) return *stored;
  return {{"company", company},
          {"points", rules.initial_points},
          {"status", credit_status(rules, rules.initial_points)},
          {"status_since", nullptr},
          {"events", Json::array()}};
}

Json credit_file_view(const Json& file, const CreditRules& rules, TimePoint now) {
  Json view = file;
  view["status_name"] = credit_status_name(file.value("status", "normal"));
  view["red_list_at"] = rules.red_list_at;
  view["black_list_at"] = rules.black_list_at;
  view["as_of"] = local_date(now);
  return view;
}

Problems validate_credit_event(const Settings& settings, const CaseView& c) {
  Problems problems = check_fields(fields_of(kCreditEvent), c.payload);
  check_company(c.payload, problems);
  const int bound = settings.credit.max_points_per_event;
  if (const Json* points = find_number(c.payload, "/points"); points != nullptr && points->is_number_integer()) {
    // An integer beyond INT64_MAX is unsigned in JSON: read as long long it would wrap (2^64 - 40 to -40).
    const bool huge = points->is_number_unsigned() && points->get<std::uint64_t>() > static_cast<std::uint64_t>(bound);
    const long long p = huge ? 0 : points->get<long long>();
    if (!huge && p == 0)
      problems.push_back({"/points", "must not be 0: negative points deduct, positive points reward"});
    else if (huge || p < -bound || p > bound)
      problems.push_back({"/points", "must be between -" + std::to_string(bound) + " and " + std::to_string(bound) +
                                         " (credit_max_points_per_event), found " + points->dump()});
  }
  if (const Json* source = find_number(c.payload, "/source_case");
      source != nullptr && source->is_number_integer() && source->get<long long>() < 1)
    problems.push_back({"/source_case", "must be a case id (1 or more)"});
  return problems;
}

Problems validate_credit_query(const CaseView& c) {
  Problems problems = check_fields(fields_of(kCreditQuery), c.payload);
  check_company(c.payload, problems);
  return problems;
}

HookResult credit_event_accepted(HookContext& ctx, const Settings& settings, const CaseView& c) {
  const CreditRules& rules = settings.credit;
  const std::string company = c.payload.at("company").get<std::string>();
  Json file = load_credit_file(ctx, rules, company);
  for (const Json& e : file["events"])
    if (e.value("case", CaseId{0}) == c.id) return {};  // already in the file

  const long long points = file["points"].get<long long>() + c.payload.at("points").get<long long>();
  Json event = {{"case", c.id},
                {"origin", c.origin},
                {"compound", c.compound},
                {"points", c.payload.at("points")},
                {"reason", c.payload.at("reason")},
                {"category", c.payload.at("category")},
                {"occurred_on", c.payload.at("occurred_on")},
                {"recorded_on", local_date(ctx.now())},
                {"points_after", points}};
  if (c.payload.contains("source_case") && !c.payload["source_case"].is_null())
    event["source_case"] = c.payload["source_case"];
  file["points"] = points;
  file["events"].push_back(event);
  announce_status(ctx, rules, c, file, event, "status");
  tell_company(ctx, c, file, event, "event");
  ctx.store_global(credit_key(company), file);
  return {};
}

HookResult credit_event_replied(HookContext& ctx, const Settings& settings, const CaseView& c, const ReplyView& r) {
  if (!r.final || r.outcome != "refused") return {};
  const CreditRules& rules = settings.credit;
  const std::string company = c.payload.at("company").get<std::string>();
  Json file = load_credit_file(ctx, rules, company);
  for (Json& e : file["events"]) {
    if (e.value("case", CaseId{0}) != c.id || e.value("reversed", false)) continue;
    e["reversed"] = true;
    e["reversed_on"] = local_date(ctx.now());
    e["reversed_by"] = r.from;
    e["reversal_reason"] = r.body.value("reason", "");
    file["points"] = file["points"].get<long long>() - e["points"].get<long long>();
    const Json cause = e;
    const std::string suffix = "-r" + std::to_string(r.id);
    announce_status(ctx, rules, c, file, cause, "status" + suffix);
    tell_company(ctx, c, file, cause, "reversed" + suffix);
    ctx.store_global(credit_key(company), file);
    return {};
  }
  return {};  // not in the file (never applied, or reversed already)
}

HookResult credit_query_accepted(HookContext& ctx, const Settings& settings, const CaseView& c) {
  const std::string company = c.payload.at("company").get<std::string>();
  const Json view = credit_file_view(load_credit_file(ctx, settings.credit, company), settings.credit, ctx.now());
  ctx.attach("credit_file", view);
  if (!raised_by_plugin(c))
    ctx.raise({kCreditReport, "report", c.compound,
               {{"company", company}, {"query_case", c.id}, {"purpose", c.payload.at("purpose")}, {"file", view}},
               {},
               {c.origin}});
  return {};
}

}  // namespace hub::governance
