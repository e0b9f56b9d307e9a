// The market plugin's after-commit hooks for the cases units send.
#include <algorithm>
#include <cstdio>

#include "market_plugin.h"
#include "market_types.h"
#include "price_tables.h"

namespace hub::market {
namespace {

std::string money(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// The compound's directory entry; an error (the hook is retried, then
// parked) for a compound the directory no longer has.
HookResult directory_entry(HookContext& ctx, const CaseView& c, Json& out) {
  auto info = ctx.compound_info(c.compound);
  if (!info)
    return HookResult::Error("compound '" + c.compound + "' of case " + std::to_string(c.id) +
                             " is not in the directory: add it to the directory config and replay the hook task");
  out = std::move(*info);
  return {};
}

// What a unit reading the annex sees of the guided prices.
Json guided_annex(const std::string& subdistrict, const std::string& klass, const std::optional<Json>& version) {
  if (!version) return {{"status", "none set"}, {"subdistrict", subdistrict}, {"class", klass}};
  return {{"status", "set"},
          {"subdistrict", subdistrict},
          {"class", klass},
          {"effective_from", version->value("effective_from", "")},
          {"items", version->value("items", Json::array())},
          {"document", version->value("document", "")},
          {"source_case", version->value("source_case", std::int64_t{0})}};
}

Json published_annex(const std::optional<Json>& version) {
  if (!version) return {{"status", "none published"}};
  Json out = *version;
  out["status"] = "published";
  return out;
}

}  // namespace

HookResult MarketPlugin::guided_price_accepted(HookContext& ctx, const CaseView& c) {
  const std::string klass = c.payload.value("class", "");
  const std::string key = guided_key(c.origin, klass);
  Json version = {{"class", klass},
                  {"items", c.payload.value("items", Json::array())},
                  {"effective_from", c.payload.value("effective_from", "")},
                  {"consulted", c.payload.value("consulted", Json::array())},
                  {"document", c.payload.value("document", "")},
                  {"set_by", c.origin},
                  {"source_case", c.id},
                  {"recorded_on", local_date(ctx.now())}};
  ctx.store_global(key, add_version(ctx.load_global(key), std::move(version)));
  ctx.store("stored_as", key);
  return {};
}

HookResult MarketPlugin::disclosure_accepted(HookContext& ctx, const CaseView& c) {
  Json info;
  if (HookResult r = directory_entry(ctx, c, info); !r.ok()) return r;
  const std::string company = info.value("company", ""), subdistrict = info.value("subdistrict", ""),
                    klass = info.value("class", "");
  const std::string today = local_date(ctx.now()), published_on = c.payload.value("published_on", "");
  const Json fee_items = c.payload.value("fee_items", Json::array());

  // The guided prices in force when the published prices apply.
  const auto guided = in_force(ctx.load_global(guided_key(subdistrict, klass)), std::max(today, published_on));
  const PriceCheck check = check_against_guided(fee_items, member(guided, "items"));
  ctx.attach("guided_prices", guided_annex(subdistrict, klass, guided));
  ctx.attach("price_check", check.to_json());

  Json record = {{"price_check", check.to_json()},
                 {"guided_source_case", guided ? guided->value("source_case", std::int64_t{0}) : 0}};
  if (c.origin != company) {
    // Only the compound's own company publishes its prices.
    record["published"] = false;
    record["why"] =
        c.origin + " is not the company of " + c.compound + " (" + (company.empty() ? "none" : company) + ")";
    ctx.store("disclosure", std::move(record));
    return {};
  }
  const std::string key = published_key(c.compound);
  ctx.store_global(
      key, add_version(ctx.load_global(key), {{"effective_from", published_on},
                                              {"published_on", published_on},
                                              {"fee_items", fee_items},
                                              {"service_items", c.payload.value("service_items", Json::array())},
                                              {"service_standard", c.payload.value("service_standard", "")},
                                              {"repair_phone", c.payload.value("repair_phone", "")},
                                              {"company", company},
                                              {"source_case", c.id},
                                              {"source_type", c.type}}));
  record["published"] = true;

  Json findings = Json::array();
  for (const auto& above : check.above_guided) {
    const std::string unit = above.value("unit", "");
    findings.push_back(
        {{"fee_item", above["fee_item"]},
         {"finding", "above_guided"},
         {"detail", "published " + money(above.value("price_yuan", 0.0)) + " " + unit + ", above the guided maximum " +
                        money(above.value("max_price_yuan", 0.0)) + " " + unit + " (" + subdistrict + ", class " +
                        klass + ", " + guided->value("document", "") + ")"},
         {"price_yuan", above["price_yuan"]},
         {"max_price_yuan", above["max_price_yuan"]},
         {"unit", unit}});
  }
  if (!findings.empty()) raise_violation(ctx, c, company, std::move(findings), true);
  ctx.store("disclosure", std::move(record));
  return {};
}

HookResult MarketPlugin::accounts_accepted(HookContext& ctx, const CaseView& c) {
  Json info;
  if (HookResult r = directory_entry(ctx, c, info); !r.ok()) return r;
  const std::string company = info.value("company", "");
  const std::string half = c.payload.value("half", "");
  if (c.origin != company) {
    ctx.store("accounts", {{"recorded", false},
                           {"why", c.origin + " is not the company of " + c.compound + " (" +
                                       (company.empty() ? "none" : company) + ")"}});
    return {};
  }
  const std::string key = accounts_key(c.compound);
  Json table = ctx.load_global(key).value_or(Json::object());
  if (!table.is_object()) table = Json::object();
  Json summary = {{"income_total_yuan", c.payload.value("income_total_yuan", 0.0)},
                  {"expense_total_yuan", c.payload.value("expense_total_yuan", 0.0)},
                  {"source_case", c.id},
                  {"filed_on", local_date(ctx.now())}};
  if (table.contains(half) && table[half].is_object())
    summary["replaces_case"] = table[half].value("source_case", std::int64_t{0});
  table[half] = std::move(summary);
  ctx.store_global(key, std::move(table));

  // Fees charged must be fee items the company published for that half.
  const auto published = ctx.load_global(published_key(c.compound));
  const auto [from, to] = half_year_days(half);
  const auto names = fee_names_between(published, from, to);
  Json findings = Json::array();
  for (const auto& item : c.payload.value("income_items", Json::array())) {
    if (item.value("category", "") != "fee") continue;
    const std::string name = item.value("name", "");
    if (names.count(name)) continue;
    findings.push_back({{"fee_item", name},
                        {"finding", "not_published"},
                        {"detail", "income of " + money(item.value("amount_yuan", 0.0)) + " yuan in " + half +
                                       " from a fee item not in the published list" +
                                       (published ? "" : " (no price disclosure published)")},
                        {"amount_yuan", item["amount_yuan"]}});
  }
  ctx.store("accounts", {{"recorded", true}, {"unpublished_fee_items", findings.size()}});
  if (!findings.empty()) raise_violation(ctx, c, company, std::move(findings), true);
  return {};
}

HookResult MarketPlugin::fee_change_accepted(HookContext& ctx, const CaseView& c) {
  Json info;
  if (HookResult r = directory_entry(ctx, c, info); !r.ok()) return r;
  // Who must consent, as the directory stood when the application came in.
  Json approvers = Json::array();
  for (const char* role : {"subdistrict", "zone_group"})
    if (const std::string unit = info.value(role, ""); !unit.empty()) approvers.push_back(unit);
  ctx.store("approvers", std::move(approvers));
  return {};
}

HookResult MarketPlugin::complaint_accepted(HookContext& ctx, const CaseView& c) {
  Json info;
  if (HookResult r = directory_entry(ctx, c, info); !r.ok()) return r;
  const std::string company = info.value("company", ""), subdistrict = info.value("subdistrict", ""),
                    klass = info.value("class", "");
  const std::string today = local_date(ctx.now());
  const auto published = in_force(ctx.load_global(published_key(c.compound)), today);
  const auto guided = in_force(ctx.load_global(guided_key(subdistrict, klass)), today);
  ctx.attach("published_prices", published_annex(published));
  ctx.attach("guided_prices", guided_annex(subdistrict, klass, guided));

  const std::string* fee_item = find_string(c.payload, "/fee_item");
  Json record = {{"published_source_case", published ? published->value("source_case", std::int64_t{0}) : 0}};
  if (fee_item == nullptr || fee_item->empty()) {
    ctx.store("complaint", std::move(record));
    return {};
  }
  const Json* published_item = item_named(member(published, "fee_items"), *fee_item);
  const Json* guided_item = item_named(member(guided, "items"), *fee_item);
  Json item_check = {{"fee_item", *fee_item}, {"published", published_item != nullptr}};
  if (published_item != nullptr) {
    item_check["published_price_yuan"] = published_item->value("price_yuan", 0.0);
    item_check["unit"] = published_item->value("unit", "");
  }
  if (guided_item != nullptr) {
    item_check["guided_max_yuan"] = guided_item->value("max_price_yuan", 0.0);
    item_check["guided_unit"] = guided_item->value("unit", "");
  }
  ctx.attach("fee_item_check", item_check);
  record["fee_item_check"] = item_check;
  if (published_item == nullptr && !company.empty()) {
    Json findings = Json::array({{{"fee_item", *fee_item},
                                  {"finding", "not_published"},
                                  {"detail", std::string("complaint about a charge for a fee item not in the ") +
                                                 (published ? "published list" : "published list (none published)")}}});
    raise_violation(ctx, c, company, std::move(findings), settings_.credit_for_complaints);
    record["violation"] = true;
  }
  ctx.store("complaint", std::move(record));
  return {};
}

void MarketPlugin::raise_violation(HookContext& ctx, const CaseView& source, const std::string& company, Json findings,
                                   bool with_credit) {
  Json payload = {{"company", company},
                  {"source_case", source.id},
                  {"source_type", source.type},
                  {"findings", std::move(findings)},
                  {"occurred_on", local_date(ctx.now())},
                  {"credit_points", with_credit ? settings_.violation_points : 0}};
  ctx.raise_case(kViolation, "violation", source.compound, std::move(payload));
}

HookResult MarketPlugin::violation_accepted(HookContext& ctx, const CaseView& c) {
  const int points = c.payload.value("credit_points", 0);
  const std::string company = c.payload.value("company", "");
  if (settings_.credit_event_type.empty() || points <= 0 || company.empty()) {
    ctx.store("credit_event", settings_.credit_event_type.empty() ? "disabled" : "none");
    return {};
  }
  std::string reason = "price violation:";
  for (const auto& f : c.payload.value("findings", Json::array()))
    reason += " " + f.value("fee_item", "") + " (" + f.value("finding", "") + ": " + f.value("detail", "") + ");";
  reason.pop_back();
  ctx.raise_case(settings_.credit_event_type, "credit", c.compound,
                 {{"company", company},
                  {"points", -points},
                  {"reason", reason},
                  {"category", "price_violation"},
                  {"occurred_on", c.payload.value("occurred_on", local_date(ctx.now()))},
                  {"source_case", c.payload.value("source_case", c.id)}});
  ctx.store("credit_event", settings_.credit_event_type);
  return {};
}

}  // namespace hub::market
