#include "store/delivery_rows.h"

#include <unordered_map>

#include "lifecycle/watch.h"
#include "store/sql_values.h"
#include "util/time_format.h"
#include "util/time_parse.h"

namespace hub::store {
namespace {

using lifecycle::DeliveryFacts;

Json time_or_null(const std::optional<TimePoint>& t) { return t ? Json(to_iso8601(*t)) : Json(); }

std::optional<TimePoint> time_at(const PgResult& r, int row, int col) {
  if (r.is_null(row, col)) return std::nullopt;
  return TimePoint(std::chrono::microseconds(r.get_int64(row, col).value()));
}

// Microseconds since the epoch: exact, and cheap to read back.
#define US(column) "(extract(epoch FROM " column ") * 1000000)::bigint"

constexpr const char* kLock =
    "SELECT d.id, d.case_id, d.receiver, c.origin, c.type, c.compound, d.stage, " US("d.dispatched_at") ", "
    US("d.sign_by") ", " US("d.resolve_by") ", " US("d.signed_at") ", " US("d.resolved_at") ", " US("d.resolve_from") ", "
    US("d.extension_until") ", coalesce(d.extension_reason, ''), coalesce(d.extension_approver, ''), d.extensions, "
    "d.reopens, coalesce(d.returned_reason, ''), d.sign_reminded, d.resolve_reminded, d.sign_escalations, "
    "d.resolve_escalations, " US("d.watch_at") ", coalesce(d.detail ? 'returned', false) "
    "FROM deliveries d JOIN cases c ON c.id = d.case_id "
    "WHERE d.id = ANY($1::bigint[]) OR (d.case_id = ANY($2::bigint[]) AND NOT d.notice) "
    "ORDER BY d.id FOR UPDATE OF d";

#undef US

}  // namespace

void add_deadlines(Json& detail, const InsertedDelivery& d) {
  if (d.sign_by) detail["sign_by"] = to_local_iso8601(*d.sign_by);
  if (d.resolve_by) detail["resolve_by"] = to_local_iso8601(*d.resolve_by);
}

namespace {

// One column of the deliveries insert per array (unnest reads them side by side).
struct DeliveryColumns {
  ArrayParam case_id, receiver, notice, state, stage, detail, sign_by, resolve_by, watch_at, leased;

  static void text_or_null(ArrayParam& column, const std::optional<std::string>& t) {
    t ? column.text(*t) : column.null();
  }
};

}  // namespace

Result<std::vector<InsertedDelivery>> insert_deliveries(PgConnection& db, const std::vector<NewDelivery>& rows,
                                                        TimePoint now, const LifecycleContext& ctx,
                                                        std::vector<Event>& events, const DirectLease& lease) {
  std::vector<InsertedDelivery> out;
  if (rows.empty()) return out;
  // One computation per case type: every delivery of the batch is dispatched at `now`.
  struct Due {
    std::optional<std::string> sign_by, resolve_by, watch_at;
    std::string problem;
  };
  std::unordered_map<std::string, Due> due_by_type;
  auto due_of = [&](const std::string& type) -> const Due& {
    auto [it, fresh] = due_by_type.try_emplace(type);
    if (fresh) {
      const lifecycle::Deadlines d = ctx.policy->at_dispatch(type, now);
      DeliveryFacts facts;
      facts.dispatched_at = now;
      facts.sign_by = d.sign_by;
      facts.resolve_by = d.resolve_by;
      const auto step = lifecycle::next_step(facts, ctx.policy->watch_settings(1));
      auto text = [](const std::optional<TimePoint>& t) {
        return t ? std::optional<std::string>(to_iso8601(*t)) : std::nullopt;
      };
      it->second = {text(d.sign_by), text(d.resolve_by), step ? text(step->due) : std::nullopt, d.problem};
    }
    return it->second;
  };
  DeliveryColumns c;
  for (const auto& n : rows) {
    c.case_id.number(n.case_id);
    c.receiver.text(n.receiver);
    c.notice.boolean(n.notice);
    c.state.text(n.held ? "held" : "pending");
    c.stage.text(n.notice ? "notice" : "dispatched");
    n.detail.is_null() ? c.detail.null() : c.detail.text(json_param(n.detail));
    c.leased.boolean(n.leased);
    if (!n.notice && ctx.enabled()) {
      const Due& due = due_of(n.type);
      if (!due.problem.empty())
        events.push_back({"deadline_unknown", n.case_id, 0, 0, n.type, "", n.receiver, {{"problem", due.problem}}});
      DeliveryColumns::text_or_null(c.sign_by, due.sign_by);
      DeliveryColumns::text_or_null(c.resolve_by, due.resolve_by);
      DeliveryColumns::text_or_null(c.watch_at, due.watch_at);
    } else {
      c.sign_by.null();
      c.resolve_by.null();
      c.watch_at.null();
    }
  }
  // $11 now, $12 hub id, $13 end of the lease: for the rows marked "leased".
  auto inserted = db.exec_reused(
      "INSERT INTO deliveries (case_id, receiver, notice, state, stage, detail, sign_by, resolve_by, watch_at, "
      "attempts, lease_owner, lease_until, next_attempt_at, dispatched_at) "
      "SELECT case_id, receiver, notice, state, stage, detail::jsonb, sign_by, resolve_by, watch_at, "
      "CASE WHEN leased THEN 1 ELSE 0 END, CASE WHEN leased THEN $12 END, CASE WHEN leased THEN $13::timestamptz END, "
      "CASE WHEN leased THEN $13::timestamptz ELSE $11::timestamptz END, $11::timestamptz "
      "FROM unnest($1::bigint[], $2::text[], $3::boolean[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], "
      "$8::timestamptz[], $9::timestamptz[], $10::boolean[]) "
      "AS x(case_id, receiver, notice, state, stage, detail, sign_by, resolve_by, watch_at, leased) "
      "RETURNING id, case_id, receiver, notice, (extract(epoch FROM sign_by) * 1000000)::bigint, "
      "(extract(epoch FROM resolve_by) * 1000000)::bigint, attempts = 1",
      {c.case_id.take(), c.receiver.take(), c.notice.take(), c.state.take(), c.stage.take(), c.detail.take(),
       c.sign_by.take(), c.resolve_by.take(), c.watch_at.take(), c.leased.take(), to_iso8601(now), lease.hub_id,
       to_iso8601(lease.until)});
  if (!inserted.ok()) return inserted.status();
  out.reserve(static_cast<std::size_t>(inserted->rows()));
  for (int r = 0; r < inserted->rows(); ++r)
    out.push_back({inserted->get_int64(r, 0).value(), inserted->get_int64(r, 1).value(), std::string(inserted->get(r, 2)),
                   inserted->get(r, 3) == "t", inserted->get(r, 6) == "t", time_at(*inserted, r, 4),
                   time_at(*inserted, r, 5)});
  return out;
}

Result<std::vector<DeliveryFacts>> lock_deliveries(PgConnection& db, const std::vector<std::int64_t>& ids,
                                                   const std::vector<std::int64_t>& case_ids) {
  std::vector<DeliveryFacts> out;
  auto rows = db.exec_params(kLock, {bigint_array(ids), bigint_array(case_ids)});
  if (!rows.ok()) return rows.status();
  const PgResult& r = *rows;
  for (int i = 0; i < r.rows(); ++i) {
    DeliveryFacts d;
    d.id = r.get_int64(i, 0).value();
    d.case_id = r.get_int64(i, 1).value();
    d.receiver = r.get(i, 2);
    d.origin = r.get(i, 3);
    d.type = r.get(i, 4);
    d.compound = r.get(i, 5);
    d.stage = lifecycle::stage_from_name(r.get(i, 6)).value_or(lifecycle::Stage::kDispatched);
    d.dispatched_at = time_at(r, i, 7).value_or(TimePoint{});
    d.sign_by = time_at(r, i, 8);
    d.resolve_by = time_at(r, i, 9);
    d.signed_at = time_at(r, i, 10);
    d.resolved_at = time_at(r, i, 11);
    d.resolve_from = time_at(r, i, 12);
    d.extension_until = time_at(r, i, 13);
    d.extension_reason = r.get(i, 14);
    d.extension_approver = r.get(i, 15);
    d.extensions = static_cast<int>(r.get_int64(i, 16).value());
    d.reopens = static_cast<int>(r.get_int64(i, 17).value());
    d.returned_reason = r.get(i, 18);
    d.watch.sign_reminded = r.get(i, 19) == "t";
    d.watch.resolve_reminded = r.get(i, 20) == "t";
    d.watch.sign_escalations = static_cast<int>(r.get_int64(i, 21).value());
    d.watch.resolve_escalations = static_cast<int>(r.get_int64(i, 22).value());
    d.watch_at = time_at(r, i, 23);
    d.after_return = r.get(i, 24) == "t";
    out.push_back(std::move(d));
  }
  return out;
}

Status save_deliveries(PgConnection& db, const std::vector<const DeliveryFacts*>& deliveries) {
  if (deliveries.empty()) return {};
  Json rows = Json::array();
  for (const DeliveryFacts* d : deliveries)
    rows.push_back({{"id", d->id},
                    {"stage", std::string(lifecycle::stage_name(d->stage))},
                    {"sign_by", time_or_null(d->sign_by)},
                    {"resolve_by", time_or_null(d->resolve_by)},
                    {"signed_at", time_or_null(d->signed_at)},
                    {"resolved_at", time_or_null(d->resolved_at)},
                    {"resolve_from", time_or_null(d->resolve_from)},
                    {"extension_until", time_or_null(d->extension_until)},
                    {"extension_reason", d->extension_reason.empty() ? Json() : Json(d->extension_reason)},
                    {"extension_approver", d->extension_approver.empty() ? Json() : Json(d->extension_approver)},
                    {"extensions", d->extensions},
                    {"reopens", d->reopens},
                    {"returned_reason", d->returned_reason.empty() ? Json() : Json(d->returned_reason)},
                    {"sign_reminded", d->watch.sign_reminded},
                    {"resolve_reminded", d->watch.resolve_reminded},
                    {"sign_escalations", d->watch.sign_escalations},
                    {"resolve_escalations", d->watch.resolve_escalations},
                    {"watch_at", time_or_null(d->watch_at)}});
  return db.exec_params(
               "UPDATE deliveries d SET stage = x.stage, sign_by = x.sign_by, resolve_by = x.resolve_by, "
               "signed_at = x.signed_at, resolved_at = x.resolved_at, resolve_from = x.resolve_from, "
               "extension_until = x.extension_until, extension_reason = x.extension_reason, "
               "extension_approver = x.extension_approver, extensions = x.extensions, reopens = x.reopens, "
               "returned_reason = x.returned_reason, sign_reminded = x.sign_reminded, "
               "resolve_reminded = x.resolve_reminded, sign_escalations = x.sign_escalations, "
               "resolve_escalations = x.resolve_escalations, watch_at = x.watch_at "
               "FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, stage text, sign_by timestamptz, "
               "resolve_by timestamptz, signed_at timestamptz, resolved_at timestamptz, resolve_from timestamptz, "
               "extension_until timestamptz, extension_reason text, extension_approver text, extensions int, "
               "reopens int, returned_reason text, sign_reminded boolean, resolve_reminded boolean, "
               "sign_escalations int, resolve_escalations int, watch_at timestamptz) WHERE d.id = x.id",
               {json_param(rows)})
      .status();
}

}  // namespace hub::store
