#include "ops/report.h"

#include "ops/figures.h"
#include "util/time_format.h"
#include "util/time_parse.h"

namespace hub::ops {
namespace {

// The start of a local date given as "YYYY-MM-DD".
std::optional<TimePoint> local_midnight(const Json& args, const char* key) {
  auto it = args.find(key);
  if (it == args.end() || !it->is_string() || it->get<std::string>().size() != 10) return std::nullopt;
  return parse_iso8601(it->get<std::string>() + "T00:00:00+08:00");
}

Result<std::vector<FigureEvent>> read_events(store::PgConnection& db, TimePoint from, TimePoint until) {
  auto rows = db.exec_params(
      "WITH period AS (SELECT delivery_id FROM events WHERE kind = 'routed' AND delivery_id IS NOT NULL "
      "  AND at >= $1::timestamptz AND at < $2::timestamptz AND NOT coalesce((detail->>'notice')::boolean, false)) "
      "SELECT e.delivery_id, e.kind, (extract(epoch FROM e.at) * 1000000)::bigint, e.to_unit, c.compound, e.detail::text "
      "FROM events e JOIN cases c ON c.id = e.case_id "
      "WHERE e.delivery_id IN (SELECT delivery_id FROM period) "
      "  AND e.kind IN ('routed', 'signed', 'resolved', 'returned', 'extension_granted', 'reopened') "
      "ORDER BY e.delivery_id, e.id",
      {to_iso8601(from), to_iso8601(until)});
  if (!rows.ok()) return rows.status();
  std::vector<FigureEvent> events;
  events.reserve(static_cast<std::size_t>(rows->rows()));
  for (int r = 0; r < rows->rows(); ++r)
    events.push_back({rows->get_int64(r, 0).value(), std::string(rows->get(r, 1)),
                      TimePoint(std::chrono::microseconds(rows->get_int64(r, 2).value())), std::string(rows->get(r, 3)),
                      std::string(rows->get(r, 4)), Json::parse(rows->get(r, 5), nullptr, false)});
  return events;
}

}  // namespace

Result<Json> report(store::PgConnection& db, const catalog::Catalog& catalog, const Json& args, TimePoint now) {
  const auto from = local_midnight(args, "from");
  const auto to = local_midnight(args, "to");
  if (!from || !to) return Status::InvalidArgument("give the period as dates: --from 2026-12-01 --to 2026-12-31");
  if (*to < *from) return Status::InvalidArgument("the period ends before it starts");
  const std::string by = args.value("by", "unit");
  if (by != "unit" && by != "zone" && by != "subdistrict")
    return Status::InvalidArgument("--by must be unit, zone or subdistrict");

  auto events = read_events(db, *from, *to + std::chrono::hours(24));
  if (!events.ok()) return events.status();
  const std::vector<DeliveryRecord> records = replay(*events);

  const Directory& directory = catalog.directory();
  std::map<std::string, std::string> zone_names;
  for (const auto& z : catalog.deployment().zones) zone_names[z.id] = z.name;
  auto group_of = [&](const DeliveryRecord& r) -> std::string {
    if (by == "unit") return r.receiver;
    if (r.compound.empty()) return "";
    return by == "zone" ? directory.zone_of(r.compound) : directory.subdistrict_of(r.compound);
  };
  auto name_of = [&](const std::string& key) -> std::string {
    if (key.empty()) return "（无小区）no compound";
    if (by == "zone") return zone_names.count(key) ? zone_names[key] : key;
    const auto* unit = catalog.unit(key);
    return unit && unit->unit ? unit->unit->name : key;
  };
  const Figures figures = summarize(records, now, group_of, name_of);

  Json out{{"from", args["from"]}, {"to", args["to"]}, {"by", by}, {"now", to_local_iso8601(now)},
           {"rows", Json::array()}, {"total", to_json(figures.total)}};
  for (const auto& row : figures.rows) out["rows"].push_back(to_json(row));
  return out;
}

}  // namespace hub::ops
