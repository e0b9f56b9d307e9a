#include "acceptance.h"

#include "case_types.h"
#include "hook_helpers.h"

namespace hub::utilities {
namespace {

// One item of the record: {name, unit, round, verdict (null until answered),
// defects, must_act, remarks, by, history: [earlier rounds' verdicts]}.
Json new_item(const std::string& name, const std::string& unit) {
  return {{"name", name}, {"unit", unit}, {"round", 1}, {"verdict", nullptr}, {"history", Json::array()}};
}

FollowUpCase item_case(const Json& record, CaseId acceptance_case, const std::string& id, const Json& item) {
  return {std::string(kAcceptanceItem),
          "item/" + id + "/" + std::to_string(item["round"].get<int>()),
          record["compound"].get<std::string>(),
          {{"acceptance_case", acceptance_case},
           {"acceptance_id", record["acceptance_id"]},
           {"project", record["project"]},
           {"developer", record["developer"]},
           {"item", id},
           {"item_name", item["name"]},
           {"round", item["round"]}},
          {item["unit"].get<std::string>()},
          {}};
}

// The acceptance's result goes to whoever opened it and to the compound's 镇街,
// which co-leads; both as notices.
std::vector<std::string> result_receivers(const Json& record) {
  return distinct_units({record.value("originator", ""), record.value("subdistrict", "")});
}

FollowUpCase result_case(const Json& record, CaseId acceptance_case, std::string key, Json payload,
                         std::vector<std::string> cc) {
  payload["acceptance_id"] = record["acceptance_id"];
  if (acceptance_case != 0) payload["acceptance_case"] = acceptance_case;
  return {std::string(kAcceptanceResult), std::move(key), record.value("compound", ""), std::move(payload), {},
          distinct_units(std::move(cc))};
}

bool every_item_answered(const Json& record) {
  for (const auto& [id, item] : record["items"].items())
    if (item["verdict"].is_null()) return false;
  return true;
}

// The verdicts of every item, and the failed ones with who must act.
Json final_result(const Json& record) {
  Json items = Json::array(), failed = Json::array();
  for (const auto& [id, item] : record["items"].items()) {
    Json entry = {{"item", id},
                  {"item_name", item["name"]},
                  {"unit", item["unit"]},
                  {"round", item["round"]},
                  {"verdict", item["verdict"]}};
    if (item["verdict"] == kFailed) {
      entry["defects"] = item["defects"];
      entry["must_act"] = item["must_act"];
      failed.push_back(entry);
    }
    items.push_back(std::move(entry));
  }
  Json result = {{"status", failed.empty() ? kCompleted : kFailed}, {"items", std::move(items)},
                 {"project", record["project"]}, {"developer", record["developer"]}};
  if (!failed.empty()) result["failed"] = std::move(failed);
  return result;
}

}  // namespace

std::string acceptance_key(CaseId acceptance_case) { return "acceptance/" + std::to_string(acceptance_case); }
std::string acceptance_index_key(const std::string& acceptance_id) { return "acceptance_id/" + acceptance_id; }

HookResult open_acceptance(const Settings& settings, HookContext& ctx, const CaseView& c) {
  Json record = {{"acceptance_id", c.payload.at("acceptance_id")},
                 {"project", c.payload.at("project")},
                 {"developer", c.payload.at("developer")},
                 {"requested_on", c.payload.at("requested_on")},
                 {"compound", c.compound},
                 {"originator", c.origin},
                 {"subdistrict", ctx.resolve_role(c.compound, "subdistrict")},
                 {"status", "open"},
                 {"items", Json::object()}};
  const std::string acceptance_id = record["acceptance_id"].get<std::string>();

  std::vector<std::string> ids;
  if (const Json* listed = find_array(c.payload, "/items"))
    for (const auto& id : *listed) ids.push_back(id.get<std::string>());
  else
    for (const auto& [id, item] : settings.checklist) ids.push_back(id);

  std::string problem;
  if (auto earlier = ctx.load_global(acceptance_index_key(acceptance_id)); earlier && !earlier->is_null()) {
    problem = "acceptance id " + acceptance_id + " is already used by case " + earlier->dump();
  } else {
    std::string unassigned;
    for (const auto& id : ids) {
      const ChecklistItem& item = settings.checklist.at(id);  // validate() admitted only checklist ids
      const std::string unit = resolve_unit(ctx, c.compound, item.unit);
      if (unit.empty()) unassigned += (unassigned.empty() ? "" : ", ") + id + " (" + item.unit + ")";
      record["items"][id] = new_item(item.name, unit);
    }
    if (!unassigned.empty())
      problem = "no unit holds the responsible role at compound " + c.compound + " for: " + unassigned;
  }
  if (!problem.empty()) {
    record["status"] = kNotOpened;
    record["reason"] = problem;
    record["items"] = Json::object();
    ctx.raise(result_case(record, c.id, "not_opened", {{"status", kNotOpened}, {"reason", problem}},
                          result_receivers(record)));
    ctx.store_global(acceptance_key(c.id), std::move(record));
    return {};
  }
  for (const auto& [id, item] : record["items"].items()) ctx.raise(item_case(record, c.id, id, item));
  ctx.store_global(acceptance_index_key(acceptance_id), c.id);
  ctx.store_global(acceptance_key(c.id), std::move(record));
  return {};
}

HookResult record_verdict(HookContext& ctx, const CaseView& item_case, const ReplyView& r) {
  if (!r.final) return {};  // progress notes change nothing
  const CaseId acceptance_case = item_case.payload.at("acceptance_case").get<CaseId>();
  auto stored = ctx.load_global(acceptance_key(acceptance_case));
  if (!stored || !stored->is_object())
    return HookResult::Error("no state for joint acceptance case " + std::to_string(acceptance_case) +
                             ": its on_accepted hook never completed; replay that hook task first (hubctl parked "
                             "--what hooks), then this one");
  Json record = std::move(*stored);
  const std::string id = item_case.payload.at("item").get<std::string>();
  Json* item = record["items"].contains(id) ? &record["items"][id] : nullptr;
  // A verdict for an earlier round, or a second one for this round, is history already.
  if (item == nullptr || (*item)["round"] != item_case.payload.at("round") || !(*item)["verdict"].is_null()) return {};

  (*item)["verdict"] = r.outcome;
  (*item)["by"] = r.from;
  const Json* defects = find_array(r.body, "/defects");
  (*item)["defects"] = r.outcome == kFailed && defects ? *defects : Json::array();
  (*item)["must_act"] = r.outcome == kFailed ? text_at(r.body, "/must_act") : "";
  (*item)["remarks"] = text_at(r.body, "/remarks");
  (*item)["history"].push_back({{"round", (*item)["round"]},
                                {"verdict", r.outcome},
                                {"by", r.from},
                                {"defects", (*item)["defects"]},
                                {"must_act", (*item)["must_act"]},
                                {"item_case", item_case.id},
                                {"reply", r.id}});
  if (every_item_answered(record)) {
    Json result = final_result(record);
    record["status"] = result["status"];
    ctx.raise(result_case(record, acceptance_case, "result/" + std::to_string(r.id), std::move(result),
                          result_receivers(record)));
  }
  ctx.store_global(acceptance_key(acceptance_case), std::move(record));
  return {};
}

HookResult reinspect(HookContext& ctx, const CaseView& c) {
  const std::string acceptance_id = c.payload.at("acceptance_id").get<std::string>();
  const Json& requested = c.payload.at("items");
  Json refused = Json::array();
  auto refuse_all = [&](const std::string& reason) {
    for (const auto& id : requested) refused.push_back({{"item", id}, {"reason", reason}});
  };

  CaseId acceptance_case = 0;
  std::optional<Json> stored;
  if (auto index = ctx.load_global(acceptance_index_key(acceptance_id)); index && index->is_number_integer()) {
    acceptance_case = index->get<CaseId>();
    stored = ctx.load_global(acceptance_key(acceptance_case));
  }
  Json record = stored && stored->is_object() ? std::move(*stored) : Json();
  if (record.is_null()) {
    refuse_all("no joint acceptance " + acceptance_id + " was opened");
  } else if (record["compound"] != c.compound) {
    refuse_all("acceptance " + acceptance_id + " concerns compound " + record["compound"].get<std::string>() +
               ", not " + c.compound);
  } else {
    for (const auto& value : requested) {
      const std::string id = value.get<std::string>();
      if (!record["items"].contains(id)) {
        refused.push_back({{"item", id}, {"reason", "not an item of acceptance " + acceptance_id}});
        continue;
      }
      Json& item = record["items"][id];
      if (item["verdict"].is_null()) {
        refused.push_back({{"item", id}, {"reason", "round " + item["round"].dump() + " has no verdict yet"}});
      } else if (item["verdict"] != kFailed) {
        refused.push_back({{"item", id}, {"reason", "already passed"}});
      } else {
        item["round"] = item["round"].get<int>() + 1;
        item["verdict"] = nullptr;
        item["reinspection_case"] = c.id;
        ctx.raise(item_case(record, acceptance_case, id, item));
        record["status"] = "open";
      }
    }
  }
  if (!refused.empty()) {
    Json context = record.is_null() ? Json{{"acceptance_id", acceptance_id}, {"compound", c.compound}} : record;
    ctx.raise(result_case(context, acceptance_case, "refused",
                          {{"status", kReinspectionRefused}, {"refused", std::move(refused)}, {"reinspection_case", c.id}},
                          {c.origin}));
  }
  if (!record.is_null()) ctx.store_global(acceptance_key(acceptance_case), std::move(record));
  return {};
}

}  // namespace hub::utilities
