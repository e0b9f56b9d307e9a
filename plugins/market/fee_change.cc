// The market plugin's fee change (收费标准调整): the 镇街 and the zone group
// each decide; both approving publishes the new fee list from its effective
// date, any refusal stops it. Either way the company and market regulation
// get a decision notice.
//
// Per-case state "fee_change": {approvers: [unit], verdicts: {unit: {outcome,
// reason?, reply}}, decision: "" | "approved" | "refused", others: [...]}.
#include "market_plugin.h"
#include "market_types.h"
#include "price_tables.h"

namespace hub::market {
namespace {

bool listed(const Json& list, const std::string& unit) {
  for (const auto& u : list)
    if (u == unit) return true;
  return false;
}

// The approvers stored at acceptance; the directory's, when on_accepted has
// not run (parked).
Json approvers_of(HookContext& ctx, const CaseView& c) {
  if (auto stored = ctx.load("approvers"); stored && stored->is_array()) return *stored;
  Json approvers = Json::array();
  if (auto info = ctx.compound_info(c.compound))
    for (const char* role : {"subdistrict", "zone_group"})
      if (const std::string unit = info->value(role, ""); !unit.empty()) approvers.push_back(unit);
  return approvers;
}

}  // namespace

HookResult MarketPlugin::fee_change_replied(HookContext& ctx, const CaseView& c, const ReplyView& r) {
  if (!r.final) return {};  // progress notes decide nothing
  Json state = ctx.load("fee_change").value_or(Json::object());
  if (!state.contains("approvers")) {
    state = {
        {"approvers", approvers_of(ctx, c)}, {"verdicts", Json::object()}, {"decision", ""}, {"others", Json::array()}};
  }
  Json verdict = {{"from", r.from}, {"outcome", r.outcome}, {"reply", r.id}};
  if (const std::string* reason = find_string(r.body, "/reason")) verdict["reason"] = *reason;
  if (!state["decision"].get<std::string>().empty() || !listed(state["approvers"], r.from)) {
    // Decided already, or not a unit whose consent is needed: kept for the record.
    state["others"].push_back(std::move(verdict));
    ctx.store("fee_change", std::move(state));
    return {};
  }
  state["verdicts"][r.from] = verdict;

  Json notice = {{"fee_change_case", c.id},
                 {"company", c.origin},
                 {"effective_from", c.payload.value("effective_from", "")},
                 {"fee_items", c.payload.value("fee_items", Json::array())}};
  if (r.outcome == "refused") {
    state["decision"] = "refused";
    notice["decision"] = "refused";
    notice["refused_by"] = r.from;
    notice["reason"] = verdict.value("reason", "");
  } else {
    for (const auto& unit : state["approvers"])
      if (!state["verdicts"].contains(unit.get<std::string>())) {
        ctx.store("fee_change", std::move(state));
        return {};  // still waiting for the other consent
      }
    state["decision"] = "approved";
    notice["decision"] = "approved";
    notice["approved_by"] = state["approvers"];

    // The new list becomes the published one from its effective date; what
    // the fee change does not carry (services, standard, repair phone) stays.
    const std::string effective_from = notice["effective_from"].get<std::string>();
    const std::string key = published_key(c.compound);
    const auto table = ctx.load_global(key);
    const auto before = in_force(table, effective_from);
    Json version = before ? *before : Json::object();
    version["effective_from"] = effective_from;
    version["published_on"] = local_date(ctx.now());
    version["fee_items"] = notice["fee_items"];
    version["company"] = c.origin;
    version["source_case"] = c.id;
    version["source_type"] = c.type;
    ctx.store_global(key, add_version(table, std::move(version)));

    // Consent does not lift the guided price: market regulation sees any item above it.
    Json info = ctx.compound_info(c.compound).value_or(Json::object());
    const auto guided =
        in_force(ctx.load_global(guided_key(info.value("subdistrict", ""), info.value("class", ""))), effective_from);
    const PriceCheck check = check_against_guided(notice["fee_items"], member(guided, "items"));
    if (!check.above_guided.empty()) notice["above_guided"] = check.above_guided;
  }
  ctx.raise({kDecision,
             "decision/" + std::to_string(r.id),
             c.compound,
             std::move(notice),
             {},
             {c.origin, settings_.regulator}});
  ctx.store("fee_change", std::move(state));
  return {};
}

}  // namespace hub::market
