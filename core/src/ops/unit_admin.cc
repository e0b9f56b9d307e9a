#include "ops/unit_admin.h"

#include <map>

#include "config/diagnostics.h"
#include "ops/query_rows.h"
#include "store/dispatch_claims.h"
#include "store/event.h"
#include "store/unit_status.h"
#include "util/ids.h"
#include "util/printable.h"

namespace hub::ops {
namespace {

constexpr std::size_t kMaxReasonBytes = 1000;
constexpr std::int64_t kOldestShown = 20;

std::vector<std::string> configured_units(const catalog::Catalog& catalog) {
  std::vector<std::string> ids;
  for (const auto& u : catalog.deployment().units) ids.push_back(u.id);
  return ids;
}

// The unit a request names: configured, or (`stored_ok`) with a stored flag.
Result<std::string> named_unit(store::PgConnection& db, const catalog::Catalog& catalog, const Json& args, bool stored_ok) {
  const auto unit = text_arg(args, "unit");
  if (!unit) return Status::InvalidArgument("name the unit: {\"unit\": \"pm.jinxiu\"}");
  if (!is_id(*unit))
    return Status::InvalidArgument("'" + printable(*unit) + "' is not a unit id (" + kIdRule + ")");
  if (catalog.unit(*unit) != nullptr) return *unit;
  if (stored_ok) {
    auto stored = store::unit_status(db, *unit);
    if (!stored.ok()) return stored.status();
    if (stored->has_value()) return *unit;
  }
  const auto known = configured_units(catalog);
  return Status::NotFound("no unit '" + *unit + "' in this hub's configuration" + config::did_you_mean(*unit, known) +
                          ": check the id; 'hubctl unit list' lists every unit");
}

// The operator's reason: optional, bounded, storable.
Result<std::string> reason_arg(const Json& args) {
  if (!args.contains("reason") || args["reason"].is_null()) return std::string();
  if (!args["reason"].is_string()) return Status::InvalidArgument("the reason must be text");
  std::string reason = args["reason"].get<std::string>();
  if (reason.size() > kMaxReasonBytes)
    return Status::InvalidArgument("the reason is " + std::to_string(reason.size()) + " bytes; say it in at most " +
                                   std::to_string(kMaxReasonBytes));
  if (reason.find('\0') != std::string::npos) return Status::InvalidArgument("the reason may not contain U+0000");
  return reason;
}

// The unit's flag, what waits for it, and its `limit` oldest waiting deliveries.
Result<Json> describe(store::PgConnection& db, const catalog::Catalog& catalog, const std::string& unit, std::int64_t limit) {
  const auto* entry = catalog.unit(unit);
  Json out{{"unit", unit}, {"name", entry ? entry->unit->name : ""}, {"configured", entry != nullptr},
           {"disabled", false}, {"changed_at", ""}, {"changed_by", ""}, {"reason", ""}, {"limit", limit}};
  auto stored = store::unit_status(db, unit);
  if (!stored.ok()) return stored.status();
  if (const auto& s = *stored) {
    out["disabled"] = s->disabled;
    out["changed_at"] = s->changed_at;
    out["changed_by"] = s->changed_by;
    out["reason"] = s->reason;
  }
  auto waiting = db.exec_params(
      "SELECT (SELECT count(*) FROM deliveries WHERE state = 'pending' AND receiver = $1), "
      "(SELECT count(*) FROM replies WHERE state = 'pending' AND recipient = $1), "
      "(SELECT count(*) FROM updates WHERE state = 'pending' AND recipient = $1)",
      {unit});
  if (!waiting.ok()) return waiting.status();
  out["waiting"] = {{"deliveries", waiting->get_int64(0, 0).value()},
                    {"replies", waiting->get_int64(0, 1).value()},
                    {"updates", waiting->get_int64(0, 2).value()}};
  auto oldest = rows(db,
                     "SELECT d.id AS delivery, d.case_id AS \"case\", c.type, c.origin, d.notice, d.attempts, " +
                         local_seconds("d.dispatched_at") +
                         " AS since FROM deliveries d JOIN cases c ON c.id = d.case_id "
                         "WHERE d.state = 'pending' AND d.receiver = $1 ORDER BY d.dispatched_at, d.id LIMIT $2::int",
                     {unit, std::to_string(limit)});
  if (!oldest.ok()) return oldest.status();
  out["oldest"] = std::move(oldest.value());
  return out;
}

// Commits the change `change` makes (true: it changed the flag) with its event and announcement.
Result<Json> switch_unit(store::PgConnection& db, const catalog::Catalog& catalog, const std::string& unit,
                         const std::string& who, TimePoint now, const std::string& action, const std::string& reason,
                         const std::function<Result<bool>()>& change) {
  auto tx = store::Transaction::begin(db);
  if (!tx.ok()) return tx.status();
  auto changed = change();
  if (!changed.ok()) return changed.status();
  if (*changed) {
    const std::vector<store::Event> events = {
        {"operator", 0, 0, 0, "", "", unit, {{"operator", who}, {"action", action}, {"unit", unit}, {"reason", reason}}}};
    if (Status s = store::insert_events(db, events, now); !s.ok()) return s;
    if (Status s = store::announce_unit_change(db, unit); !s.ok()) return s;
  }
  if (Status s = tx->commit(); !s.ok()) return s;
  auto out = describe(db, catalog, unit, kOldestShown);
  if (!out.ok()) return out.status();
  (*out)["changed"] = *changed;
  (*out)["action"] = action;
  return out;
}

}  // namespace

Result<Json> disable_unit(store::PgConnection& db, const catalog::Catalog& catalog, const Json& args,
                          const std::string& who, TimePoint now) {
  auto unit = named_unit(db, catalog, args, false);
  if (!unit.ok()) return unit.status();
  auto reason = reason_arg(args);
  if (!reason.ok()) return reason.status();
  const std::string action = "disable unit " + *unit + (reason->empty() ? "" : ": " + *reason);
  return switch_unit(db, catalog, *unit, who, now, action, *reason,
                     [&] { return store::disable_unit(db, *unit, who, *reason, now); });
}

Result<Json> enable_unit(store::PgConnection& db, const catalog::Catalog& catalog, const Json& args,
                         const std::string& who, TimePoint now) {
  auto unit = named_unit(db, catalog, args, true);
  if (!unit.ok()) return unit.status();
  return switch_unit(db, catalog, *unit, who, now, "enable unit " + *unit, "", [&]() -> Result<bool> {
    auto changed = store::enable_unit(db, *unit, who, now);
    if (!changed.ok() || !*changed) return changed;
    // What waited for the unit goes out at once, oldest first, at whichever hub it is connected to.
    if (Status s = store::make_due_now(db, *unit, now); !s.ok()) return s;
    return true;
  });
}

Result<Json> show_unit(store::PgConnection& db, const catalog::Catalog& catalog, const Json& args) {
  auto unit = named_unit(db, catalog, args, true);
  if (!unit.ok()) return unit.status();
  const std::int64_t limit = std::clamp<std::int64_t>(id_arg(args, "limit").value_or(kOldestShown), 1, 1000);
  return describe(db, catalog, *unit, limit);
}

Result<Json> list_units(store::PgConnection& db, const catalog::Catalog& catalog, const Json& args) {
  const bool disabled_only = flag_arg(args, "disabled");
  auto stored = rows(db, "SELECT unit, disabled, " + local_seconds("changed_at") +
                             " AS changed_at, changed_by, reason FROM unit_status ORDER BY unit", {});
  if (!stored.ok()) return stored.status();
  std::map<std::string, Json> flags;
  for (auto& row : *stored) {
    std::string unit = row["unit"].get<std::string>();  // before the move: operator= takes its operand by value
    flags[std::move(unit)] = std::move(row);
  }
  std::vector<std::string> listed;
  for (const auto& unit : configured_units(catalog))
    if (!disabled_only || (flags.count(unit) && flags[unit]["disabled"] == true)) listed.push_back(unit);
  for (const auto& [unit, row] : flags)
    if (catalog.unit(unit) == nullptr && (!disabled_only || row["disabled"] == true)) listed.push_back(unit);
  auto counts = rows(db, "SELECT receiver AS unit, count(*) AS n FROM deliveries WHERE state = 'pending' "
                         "AND receiver = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb))) GROUP BY receiver",
                     {Json(listed).dump()});
  if (!counts.ok()) return counts.status();
  std::map<std::string, std::int64_t> waiting;
  for (const auto& row : *counts) waiting[row["unit"].get<std::string>()] = row["n"].get<std::int64_t>();
  Json units = Json::array();
  for (const auto& unit : listed) {
    const auto* entry = catalog.unit(unit);
    const auto flag = flags.find(unit);
    const bool known = flag != flags.end();
    units.push_back({{"unit", unit},
                     {"name", entry ? entry->unit->name : ""},
                     {"configured", entry != nullptr},
                     {"disabled", known && flag->second["disabled"] == true},
                     {"changed_at", known ? flag->second["changed_at"] : Json("")},
                     {"changed_by", known ? flag->second["changed_by"] : Json("")},
                     {"reason", known ? flag->second["reason"] : Json("")},
                     {"waiting_deliveries", waiting[unit]}});
  }
  return Json{{"units", std::move(units)}, {"disabled_only", disabled_only}};
}

}  // namespace hub::ops
