#include "store/deadline_watch.h"

#include <map>

#include "lifecycle/watch.h"
#include "store/delivery_rows.h"
#include "store/updates.h"
#include "util/time_format.h"
#include "util/time_parse.h"

namespace hub::store {
namespace {

using lifecycle::Deadline;
using lifecycle::DeliveryFacts;
using lifecycle::WatchStep;

constexpr int kHistoryLimit = 100;  // events of the case attached to an escalation notice

TimePoint deadline_of(const DeliveryFacts& d, Deadline which) {
  return which == Deadline::kSign ? *d.sign_by : *d.resolve_by;
}

class StepFirer {
 public:
  StepFirer(PgConnection& db, TimePoint now, const LifecycleContext& ctx) : db_(db), now_(now), ctx_(ctx) {}

  Result<WatchOutcome> run(int limit) {
    auto tx = Transaction::begin(db_);
    if (!tx.ok()) return tx.status();
    auto due = db_.exec_params(
        "SELECT id FROM deliveries WHERE watch_at <= $1::timestamptz ORDER BY watch_at LIMIT $2::int "
        "FOR UPDATE SKIP LOCKED",
        {to_iso8601(now_), std::to_string(limit)});
    if (!due.ok()) return due.status();
    std::vector<std::int64_t> ids;
    for (int r = 0; r < due->rows(); ++r) ids.push_back(due->get_int64(r, 0).value());
    if (ids.empty()) return out_;
    auto facts = lock_deliveries(db_, ids, {});
    if (!facts.ok()) return facts.status();
    std::vector<const DeliveryFacts*> rows;
    for (auto& d : *facts) {
      if (Status s = fire_due(d); !s.ok()) return s;
      rows.push_back(&d);
    }
    out_.deliveries = static_cast<int>(rows.size());
    if (Status s = save_deliveries(db_, rows); !s.ok()) return s;
    auto inserted = insert_deliveries(db_, notices_, now_, ctx_, out_.events);
    if (!inserted.ok()) return inserted.status();
    for (const auto& n : *inserted)
      out_.events.push_back({"routed", n.case_id, n.id, 0, type_of_case_[n.case_id], "", n.receiver,
                             {{"route", "escalation"}, {"notice", true}}});
    if (Status s = insert_updates(db_, updates_, now_); !s.ok()) return s;
    if (Status s = insert_events(db_, out_.events, now_); !s.ok()) return s;
    if (Status s = tx->commit(); !s.ok()) return s;
    return std::move(out_);
  }

 private:
  Status fire_due(DeliveryFacts& d) {
    const auto chain = ctx_.policy->escalation_chain(d.receiver, d.compound, *ctx_.directory);
    const auto settings = ctx_.policy->watch_settings(static_cast<int>(chain.size()));
    for (auto step = lifecycle::next_step(d, settings); step && step->due <= now_; step = lifecycle::next_step(d, settings)) {
      Status s = step->kind == WatchStep::Kind::kRemind ? remind(d, *step) : escalate(d, *step, chain);
      if (!s.ok()) return s;
      lifecycle::mark_done(d, *step);
    }
    const auto next = lifecycle::next_step(d, settings);
    d.watch_at = next ? std::optional<TimePoint>(next->due) : std::nullopt;
    return {};
  }

  Json about(const DeliveryFacts& d, const WatchStep& step) const {
    const TimePoint deadline = deadline_of(d, step.deadline);
    return Json{{"case", d.case_id},   {"delivery", d.id},
                {"type", d.type},      {"compound", d.compound},
                {"receiver", d.receiver},
                {"deadline", std::string(lifecycle::deadline_name(step.deadline))},
                {"due", to_local_iso8601(deadline)}};
  }

  Status remind(const DeliveryFacts& d, const WatchStep& step) {
    if (now_ >= deadline_of(d, step.deadline)) return {};  // too late to remind: escalation follows
    Json body = about(d, step);
    body["kind"] = "reminder";
    body["overdue"] = false;
    updates_.push_back({d.receiver, d.case_id, d.id, body});
    out_.events.push_back({"reminded", d.case_id, d.id, 0, d.type, "", d.receiver,
                           {{"deadline", body["deadline"]}, {"due", body["due"]}}});
    ++out_.steps;
    return {};
  }

  Status escalate(const DeliveryFacts& d, const WatchStep& step, const std::vector<std::string>& chain) {
    const std::string to = step.level < static_cast<int>(chain.size()) ? chain[static_cast<std::size_t>(step.level)] : "";
    Json escalation = about(d, step);
    escalation["level"] = step.level + 1;
    escalation["to"] = to;
    escalation["responsible"] = d.receiver;
    out_.events.push_back({"escalated", d.case_id, d.id, 0, d.type, d.receiver, to,
                           {{"deadline", escalation["deadline"]}, {"due", escalation["due"]}, {"level", step.level + 1}}});
    if (!to.empty()) {
      auto history = case_history(d.case_id);
      if (!history.ok()) return history.status();
      Json notice = escalation;
      notice["history"] = std::move(*history);
      notices_.push_back({d.case_id, to, true, false, d.type, Json{{"escalation", std::move(notice)}}});
      type_of_case_[d.case_id] = d.type;
    }
    Json to_receiver = escalation;
    to_receiver["kind"] = "reminder";
    to_receiver["overdue"] = true;
    updates_.push_back({d.receiver, d.case_id, d.id, to_receiver});
    Json to_origin{{"kind", "state"},
                   {"case", d.case_id},
                   {"delivery", d.id},
                   {"receiver", d.receiver},
                   {"type", d.type},
                   {"change", step.level == 0 ? "overdue" : "escalated"},
                   {"stage", std::string(lifecycle::stage_name(d.stage))},
                   {"by", "hub"},
                   {"at", to_local_iso8601(now_)},
                   {"detail", escalation}};
    updates_.push_back({d.origin, d.case_id, d.id, to_origin});
    ++out_.steps;
    return {};
  }

  // The case's routing events so far, oldest first, for the supervising unit.
  Result<Json> case_history(CaseId id) {
    auto rows = db_.exec_params(
        "SELECT (extract(epoch FROM at) * 1000000)::bigint, kind, from_unit, to_unit, coalesce(delivery_id, 0), "
        "detail::text FROM events WHERE case_id = $1::bigint AND kind NOT IN ('delivered', 'redelivered', "
        "'reply_forwarded', 'reply_acked') ORDER BY id LIMIT $2::int",
        {std::to_string(id), std::to_string(kHistoryLimit)});
    if (!rows.ok()) return rows.status();
    Json history = Json::array();
    for (int r = 0; r < rows->rows(); ++r) {
      Json step{{"at", to_local_iso8601(TimePoint(std::chrono::microseconds(rows->get_int64(r, 0).value())))},
                {"event", std::string(rows->get(r, 1))}};
      if (!rows->get(r, 2).empty()) step["from"] = std::string(rows->get(r, 2));
      if (!rows->get(r, 3).empty()) step["to"] = std::string(rows->get(r, 3));
      if (rows->get_int64(r, 4).value()) step["delivery"] = rows->get_int64(r, 4).value();
      Json detail = Json::parse(rows->get(r, 5), nullptr, false);
      if (detail.is_object() && !detail.empty()) step["detail"] = std::move(detail);
      history.push_back(std::move(step));
    }
    return history;
  }

  PgConnection& db_;
  const TimePoint now_;
  const LifecycleContext& ctx_;
  WatchOutcome out_;
  std::vector<NewDelivery> notices_;
  std::vector<NewUpdate> updates_;
  std::map<CaseId, std::string> type_of_case_;
};

}  // namespace

Result<WatchOutcome> fire_due_steps(PgConnection& db, TimePoint now, const LifecycleContext& ctx, int limit) {
  return StepFirer(db, now, ctx).run(limit);
}

}  // namespace hub::store
