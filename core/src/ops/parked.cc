#include "ops/parked.h"

#include <algorithm>

#include "ops/operator_queries.h"
#include "ops/parked_filter.h"
#include "ops/query_rows.h"

namespace hub::ops {
namespace {

constexpr std::int64_t kDefaultLimit = 200;
constexpr std::int64_t kMaxLimit = 5000;
constexpr std::int64_t kDefaultBatch = 200;
constexpr std::int64_t kMaxBatch = 1000;

// The events about one parked item, with $1 its case and $2 its id. Updates
// and hook tasks are named in their events' detail (update_id, hook_task) and
// in the action of the operator event that replayed them.
const char* history_condition(ParkedKind kind) {
  switch (kind) {
    case ParkedKind::kDelivery: return "delivery_id = $2::bigint";
    case ParkedKind::kCase:  // its own steps, and the returns that led to its parking
      return "(delivery_id IS NULL OR kind IN ('parked', 'returned', 'rerouted')) AND $2::bigint = case_id";
    case ParkedKind::kUpdate:
      return "(detail->>'update_id' = $2::text OR (kind = 'operator' AND detail->>'action' LIKE 'replay update ' || "
             "$2::text || ' (%'))";
    case ParkedKind::kHook:
      return "(detail->>'hook_task' = $2::text OR (kind = 'operator' AND detail->>'action' = 'replay hook task ' || "
             "$2::text))";
  }
  return "false";
}

std::int64_t row_id(ParkedKind kind, const Json& row) { return row.at(id_key(kind)).get<std::int64_t>(); }

std::vector<std::string> units(const router::Decision& d) {
  std::vector<std::string> out;
  for (const auto& r : d.recipients) out.push_back(r.unit);
  return out;
}

enum class Outcome { kReplayed, kNotReplayed, kGone };

// Replays one item (or, in a dry run, says what a replay would do) and notes
// it on `row`. Another Status: the store failed.
Result<Outcome> replay_item(store::PgConnection& db, const catalog::Catalog& catalog, ParkedKind kind, Json& row,
                            bool dry_run, const std::string& op, TimePoint now) {
  const std::int64_t id = row_id(kind, row);
  if (dry_run) {
    if (kind != ParkedKind::kCase) return Outcome::kReplayed;
    auto routed = route_parked_case(db, catalog, id, false);
    if (!routed.ok() && routed.status().code() == StatusCode::kNotFound) return Outcome::kGone;
    if (!routed.ok()) return routed.status();
    if (!routed->decision.parked_reason.empty()) {
      row["why"] = "still cannot route case " + std::to_string(id) + ": " + routed->decision.parked_reason;
      return Outcome::kNotReplayed;
    }
    row["route"] = routed->decision.route_id;
    row["to"] = units(routed->decision);
    return Outcome::kReplayed;
  }
  auto done = replay(db, catalog, Json{{id_key(kind), id}}, op, now);
  if (done.ok()) {
    if (kind == ParkedKind::kCase) {
      row["route"] = (*done)["route"];
      row["to"] = (*done)["to"];
    }
    return Outcome::kReplayed;
  }
  if (done.status().code() == StatusCode::kNotFound) return Outcome::kGone;
  if (done.status().code() == StatusCode::kConflict) {
    row["why"] = done.status().message();
    return Outcome::kNotReplayed;
  }
  return done.status();
}

}  // namespace

Result<Json> list_parked(store::PgConnection& db, const Json& args) {
  auto filter = read_parked_filter(args);
  if (!filter.ok()) return filter.status();
  const std::int64_t limit = std::clamp<std::int64_t>(id_arg(args, "limit").value_or(kDefaultLimit), 1, kMaxLimit);
  Json out{{"matching", Json::object()}, {"limit", limit}};
  for (ParkedKind kind : filter->kinds) {
    auto found = rows(db, parked_select(kind), parked_params(*filter, 0, limit));
    if (!found.ok()) return found.status();
    out["matching"][list_key(kind)] = found->empty() ? Json(0) : (*found)[0]["matching"];
    for (auto& row : *found) row.erase("matching");
    out[list_key(kind)] = std::move(*found);
  }
  return out;
}

Result<Json> show_parked(store::PgConnection& db, const Json& args) {
  const auto kind = parked_kind(text_arg(args, "show").value_or(""));
  if (!kind) return Status::InvalidArgument("show what: \"delivery\", \"case\", \"update\" or \"hook\"");
  const auto id = id_arg(args, "id");
  if (!id) return Status::InvalidArgument("give the id as a number");
  auto found = rows(db, parked_select(*kind), parked_params(ParkedFilter{}, 0, 1, *id));
  if (!found.ok()) return found.status();
  const std::string name = *kind == ParkedKind::kHook ? "hook task" : id_key(*kind);
  if (found->empty()) return Status::NotFound(name + " " + std::to_string(*id) + " is not parked");
  Json item = (*found)[0];
  item.erase("matching");
  const std::int64_t case_id = item["case"].get<std::int64_t>();
  auto history = rows(db, "SELECT id, " + local("at") + " AS at, kind, case_id, delivery_id, reply_id, case_type, "
                          "from_unit, to_unit, detail FROM events WHERE case_id = $1::bigint AND " +
                          history_condition(*kind) + " ORDER BY id",
                      {std::to_string(case_id), std::to_string(*id)});
  if (!history.ok()) return history.status();
  auto the_case = show_case(db, Json{{"case", case_id}});
  if (!the_case.ok()) return the_case.status();
  Json out = std::move(*the_case);
  out["kind"] = id_key(*kind);
  out["item"] = std::move(item);
  out["history"] = std::move(*history);
  return out;
}

Result<Json> replay_parked(store::PgConnection& db, const catalog::Catalog& catalog, const Json& args,
                           const std::string& op, TimePoint now) {
  auto filter = read_parked_filter(args);
  if (!filter.ok()) return filter.status();
  if (!filter->narrows && !flag_arg(args, "everything"))
    return Status::InvalidArgument(
        "replaying all parked work needs a filter (--unit, --type, --what, --since, --until, --reason), "
        "or --everything to replay every parked item");
  const bool dry_run = flag_arg(args, "dry_run");
  std::int64_t budget = std::clamp<std::int64_t>(id_arg(args, "batch").value_or(kDefaultBatch), 1, kMaxBatch);
  const Json after = args.contains("after") && args["after"].is_object() ? args["after"] : Json::object();
  Json out{{"dry_run", dry_run}, {"replayed", Json::object()}, {"not_replayed", Json::object()},
           {"gone", Json::object()}, {"more", false}, {"after", after}};
  for (ParkedKind kind : filter->kinds) {
    const char* key = list_key(kind);
    for (const char* part : {"replayed", "not_replayed", "gone"}) out[part][key] = Json::array();
    if (budget == 0) {
      out["more"] = true;
      break;
    }
    std::int64_t cursor = id_arg(after, key).value_or(0);
    // One row more than the budget tells whether more remain.
    auto found = rows(db, parked_select(kind), parked_params(*filter, cursor, budget + 1));
    if (!found.ok()) return found.status();
    for (auto& row : *found) {
      if (budget == 0) {
        out["more"] = true;
        break;
      }
      row.erase("matching");
      auto outcome = replay_item(db, catalog, kind, row, dry_run, op, now);
      if (!outcome.ok()) return outcome.status();
      cursor = row_id(kind, row);
      --budget;
      const char* part = *outcome == Outcome::kReplayed ? "replayed" : *outcome == Outcome::kGone ? "gone" : "not_replayed";
      out[part][key].push_back(std::move(row));
    }
    out["after"][key] = cursor;
  }
  return out;
}

}  // namespace hub::ops
