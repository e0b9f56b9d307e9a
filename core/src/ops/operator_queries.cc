#include "ops/operator_queries.h"

#include "ops/query_rows.h"
#include "store/delivery_rows.h"
#include "store/event.h"
#include "util/time_format.h"

namespace hub::ops {
namespace {

// A case's state, derived from its deliveries (DESIGN.md): open while any
// non-notice delivery is unresolved; then resolved until every resolved one
// is closed. A case with no delivery that carries a deadline informs only.
std::string case_state(const Json& deliveries) {
  bool open = false, resolved = false, closed = false;
  for (const auto& d : deliveries) {
    const std::string stage = d.value("stage", "");
    open |= stage == "dispatched" || stage == "signed" || stage == "in_progress";
    resolved |= stage == "resolved";
    closed |= stage == "closed";
  }
  return open ? "open" : resolved ? "resolved" : closed ? "closed" : "notice only";
}

}  // namespace

Result<Json> show_case(store::PgConnection& db, const Json& args) {
  auto id = id_arg(args, "case");
  if (!id) return Status::InvalidArgument("give the case id as a number");
  const std::string cid = std::to_string(*id);
  auto c = rows(db, "SELECT id, type, origin, reference, compound, payload, route, parked_reason, " +
                        local("created_at") + " AS created_at FROM cases WHERE id = $1", {cid});
  if (!c.ok()) return c.status();
  if (c->empty()) return Status::NotFound("case " + cid + " does not exist");
  auto d = rows(db, "SELECT id, receiver, notice, state, stage, attempts, parked_reason, " + local("dispatched_at") +
                        " AS dispatched_at, " + local("acked_at") + " AS acked_at, " + local("sign_by") +
                        " AS sign_by, " + local("signed_at") + " AS signed_at, " + local("resolve_by") +
                        " AS resolve_by, " + local("resolved_at") + " AS resolved_at, " + local("extension_until") +
                        " AS extension_until, extension_approver, reopens, returned_reason "
                        "FROM deliveries WHERE case_id = $1 ORDER BY id", {cid});
  auto r = rows(db, "SELECT id, delivery_id, sender, final, outcome, body, state, " + local("created_at") +
                        " AS created_at FROM replies WHERE case_id = $1 ORDER BY id", {cid});
  auto e = rows(db, "SELECT id, " + local("at") + " AS at, kind, case_id, delivery_id, reply_id, case_type, from_unit, "
                        "to_unit, detail FROM events WHERE case_id = $1 ORDER BY id", {cid});
  for (auto* part : {&d, &r, &e})
    if (!part->ok()) return part->status();
  Json the_case = (*c)[0];
  the_case["state"] = case_state(*d);
  return Json{{"case", the_case}, {"deliveries", *d}, {"replies", *r}, {"events", *e}};
}

Result<Json> list_events(store::PgConnection& db, const Json& args) {
  const std::int64_t after = id_arg(args, "after").value_or(0);
  const std::int64_t limit = std::clamp<std::int64_t>(id_arg(args, "limit").value_or(200), 1, 5000);
  std::optional<std::string> case_id;
  if (auto c = id_arg(args, "case")) case_id = std::to_string(*c);
  // With no start given, the newest `limit` events, oldest first.
  const bool tail = !args.contains("after");
  const std::string filter =
      "($2::text IS NULL OR from_unit = $2 OR to_unit = $2) AND ($3::text IS NULL OR case_type = $3) "
      "AND ($4::bigint IS NULL OR case_id = $4::bigint)";
  const std::string select =
      tail ? "SELECT * FROM (SELECT id, " + local("at") + " AS at, kind, case_id, delivery_id, reply_id, case_type, "
             "from_unit, to_unit, detail FROM events WHERE id > $1::bigint AND " + filter +
             " ORDER BY id DESC LIMIT $5::int) t ORDER BY id"
           : "SELECT id, " + local("at") + " AS at, kind, case_id, delivery_id, reply_id, case_type, from_unit, "
             "to_unit, detail FROM events WHERE id > $1::bigint AND " + filter + " ORDER BY id LIMIT $5::int";
  auto events = rows(db, select, {std::to_string(after), text_arg(args, "unit"), text_arg(args, "type"), case_id, std::to_string(limit)});
  if (!events.ok()) return events.status();
  auto last = db.exec("SELECT coalesce(max(id), 0) FROM events");
  if (!last.ok()) return last.status();
  const std::int64_t newest = events->empty() ? std::max(after, last->get_int64(0, 0).value())
                                              : events->back()["id"].get<std::int64_t>();
  return Json{{"events", *events}, {"last", newest}};
}

Result<ParkedCaseRoute> route_parked_case(store::PgConnection& db, const catalog::Catalog& catalog, CaseId id, bool lock) {
  auto r = db.exec_params(std::string("SELECT type, origin, reference, compound, payload::text FROM cases "
                                      "WHERE id = $1 AND parked_reason IS NOT NULL") + (lock ? " FOR UPDATE" : ""),
                          {std::to_string(id)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound("case " + std::to_string(id) + " is not parked");
  ParkedCaseRoute out{CaseView{id, std::string(r->get(0, 0)), std::string(r->get(0, 1)), std::string(r->get(0, 2)),
                               std::string(r->get(0, 3)), Json::parse(r->get(0, 4), nullptr, false)},
                      {}};
  // A case parked after returns goes to another unit than those that returned it.
  auto returned = db.exec_params("SELECT coalesce(json_agg(receiver), '[]')::text FROM deliveries "
                                 "WHERE case_id = $1 AND stage = 'returned'", {std::to_string(id)});
  if (!returned.ok()) return returned.status();
  const auto excluded = Json::parse(returned->get(0, 0)).get<std::vector<std::string>>();
  out.decision = catalog.router().route_around(out.c, catalog.directory(), excluded);
  return out;
}

Result<Json> replay(store::PgConnection& db, const catalog::Catalog& catalog, const Json& args, const std::string& op,
                    TimePoint now) {
  const std::string at = to_iso8601(now);
  auto tx = store::Transaction::begin(db);
  if (!tx.ok()) return tx.status();
  std::vector<store::Event> events;
  Json answer;
  if (auto delivery = id_arg(args, "delivery")) {
    auto r = db.exec_params(
        "UPDATE deliveries d SET state = 'pending', attempts = 0, next_attempt_at = $2::timestamptz, parked_reason = NULL, "
        "parked_at = NULL "
        "FROM cases c WHERE d.id = $1 AND d.state = 'parked' AND c.id = d.case_id RETURNING d.case_id, c.type, d.receiver",
        {std::to_string(*delivery), at});
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return Status::NotFound("delivery " + std::to_string(*delivery) + " is not parked");
    const CaseId case_id = r->get_int64(0, 0).value();
    events.push_back({"operator", case_id, *delivery, 0, std::string(r->get(0, 1)), "", std::string(r->get(0, 2)),
                      {{"operator", op}, {"action", "replay delivery " + std::to_string(*delivery)}}});
    answer = {{"replayed", "delivery"}, {"delivery", *delivery}, {"case", case_id}};
  } else if (auto update = id_arg(args, "update")) {
    auto r = db.exec_params(
        "UPDATE updates SET state = 'pending', attempts = 0, next_attempt_at = $2::timestamptz, parked_reason = NULL, "
        "parked_at = NULL "
        "WHERE id = $1 AND state = 'parked' RETURNING case_id, recipient, kind",
        {std::to_string(*update), at});
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return Status::NotFound("update " + std::to_string(*update) + " is not parked");
    events.push_back({"operator", r->get_int64(0, 0).value(), 0, 0, "", "", std::string(r->get(0, 1)),
                      {{"operator", op}, {"action", "replay update " + std::to_string(*update) + " (" +
                                                        std::string(r->get(0, 2)) + ")"}}});
    answer = {{"replayed", "update"}, {"update", *update}};
  } else if (auto hook = id_arg(args, "hook_task")) {
    auto r = db.exec_params(
        "UPDATE hook_tasks SET state = 'pending', attempts = 0, interrupted = 0, retries = 0, retry_since = NULL, "
        "running = false, "
        "next_attempt_at = $2::timestamptz, last_error = NULL, parked_at = NULL "
        "WHERE id = $1 AND state = 'parked' RETURNING case_id", {std::to_string(*hook), at});
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return Status::NotFound("hook task " + std::to_string(*hook) + " is not parked");
    events.push_back({"operator", r->get_int64(0, 0).value(), 0, 0, "", "", "",
                      {{"operator", op}, {"action", "replay hook task " + std::to_string(*hook)}}});
    answer = {{"replayed", "hook_task"}, {"hook_task", *hook}};
  } else if (auto case_id = id_arg(args, "case")) {
    auto routed = route_parked_case(db, catalog, *case_id, true);
    if (!routed.ok()) return routed.status();
    const CaseView& c = routed->c;
    const router::Decision& d = routed->decision;
    if (!d.parked_reason.empty()) return Status::Conflict("still cannot route case " + std::to_string(*case_id) + ": " + d.parked_reason);
    std::vector<store::NewDelivery> new_rows;
    for (const auto& rcp : d.recipients) new_rows.push_back({*case_id, rcp.unit, rcp.notice, false, c.type, Json()});
    const store::LifecycleContext ctx{&catalog.lifecycle(), &catalog.directory(), &catalog.router()};
    auto ins = store::insert_deliveries(db, new_rows, now, ctx, events);
    if (!ins.ok()) return ins.status();
    auto upd = db.exec_params("UPDATE cases SET parked_reason = NULL, parked_at = NULL, route = $2 WHERE id = $1",
                              {std::to_string(*case_id), d.route_id});
    if (!upd.ok()) return upd.status();
    events.push_back({"operator", *case_id, 0, 0, c.type, "", "",
                      {{"operator", op}, {"action", "replay case " + std::to_string(*case_id)}}});
    for (const auto& n : *ins) {
      Json detail{{"route", d.route_id}, {"notice", n.notice}};
      store::add_deadlines(detail, n);
      events.push_back({"routed", *case_id, n.id, 0, c.type, c.origin, n.receiver, std::move(detail)});
    }
    Json to = Json::array();
    for (const auto& n : *ins) to.push_back(n.receiver);
    answer = {{"replayed", "case"}, {"case", *case_id}, {"route", d.route_id}, {"deliveries", ins->size()}, {"to", to}};
  } else {
    return Status::InvalidArgument(
        "name what to replay: {\"delivery\": id}, {\"update\": id}, {\"case\": id} or {\"hook_task\": id}");
  }
  if (Status s = store::insert_events(db, events, now); !s.ok()) return s;
  if (Status s = tx->commit(); !s.ok()) return s;
  return answer;
}

}  // namespace hub::ops
