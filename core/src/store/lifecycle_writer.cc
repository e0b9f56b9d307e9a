#include "store/lifecycle_writer.h"

#include <algorithm>
#include <map>
#include <set>

#include "lifecycle/transitions.h"
#include "store/attachments.h"
#include "store/delivery_rows.h"
#include "store/sql_values.h"
#include "store/updates.h"
#include "util/time_format.h"
#include "util/time_parse.h"

namespace hub::store {
namespace {

using lifecycle::Action;
using lifecycle::DeliveryFacts;
using lifecycle::Stage;
using Kind = protocol::Transition::Kind;
namespace code = protocol::code;

std::int64_t int_at(const PgResult& r, int row, int col) { return r.get_int64(row, col).value(); }
std::string str_at(const PgResult& r, int row, int col) { return std::string(r.get(row, col)); }

Action action_of(Kind kind) {
  switch (kind) {
    case Kind::kSign: return Action::kSign;
    case Kind::kReturn: return Action::kReturn;
    case Kind::kAssign: return Action::kAssign;
    case Kind::kExtend: return Action::kExtend;
    case Kind::kGrantExtension: return Action::kGrantExtension;
    case Kind::kRefuseExtension: return Action::kRefuseExtension;
    case Kind::kClose: return Action::kClose;
    case Kind::kReopen: return Action::kReopen;
  }
  return Action::kSign;
}

bool by_originator(Kind kind) { return kind == Kind::kClose || kind == Kind::kReopen; }

// One state change as it happened, with what is needed to record and tell it.
struct Happened {
  std::int64_t delivery = 0;
  lifecycle::Change change;
  std::string actor;
  Stage stage_after = Stage::kDispatched;
  int reply_index = -1;  // the batch's reply that made it, whose id is known after insert
};

class Writer {
 public:
  Writer(PgConnection& db, const BatchInput& in, TimePoint now, BatchOutput& out, Json& hook_rows)
      : db_(db), in_(in), now_(now), now_text_(to_iso8601(now)), out_(out), hook_rows_(hook_rows) {}

  Status write() {
    out_.replies.resize(in_.replies.size());
    out_.transitions.resize(in_.transitions.size());
    if (in_.replies.empty() && in_.transitions.empty()) return {};
    if (Status s = lock(); !s.ok()) return s;
    if (Status s = read_stored(); !s.ok()) return s;
    for (std::size_t i = 0; i < in_.replies.size(); ++i) take_reply(i);
    for (std::size_t i = 0; i < in_.transitions.size(); ++i) take_transition(i);
    if (Status s = insert_replies(); !s.ok()) return s;
    if (Status s = save_changed(); !s.ok()) return s;
    if (Status s = reroute_returns(); !s.ok()) return s;
    if (Status s = dispatch_assignments(); !s.ok()) return s;
    if (Status s = record_requests(); !s.ok()) return s;
    record_changes();
    return insert_updates(db_, updates_, now_);
  }

 private:
  // --- reading ---

  Status lock() {
    std::vector<std::int64_t> ids, case_ids;
    for (const auto& r : in_.replies) ids.push_back(r.reply.delivery);
    for (const auto& t : in_.transitions) {
      if (t.request.delivery) ids.push_back(t.request.delivery);
      if (by_originator(t.request.kind) && !t.request.delivery) case_ids.push_back(t.request.case_id);
    }
    auto locked = lock_deliveries(db_, ids, case_ids);
    if (!locked.ok()) return locked.status();
    for (auto& d : *locked) facts_.emplace(d.id, std::move(d));
    if (case_ids.empty()) return {};
    auto cases = db_.exec_params("SELECT id, origin FROM cases WHERE id = ANY($1::bigint[])", {bigint_array(case_ids)});
    if (!cases.ok()) return cases.status();
    for (int r = 0; r < cases->rows(); ++r) origin_of_case_[int_at(*cases, r, 0)] = str_at(*cases, r, 1);
    return {};
  }

  Status read_stored() {
    if (!in_.replies.empty()) {
      Json keys = Json::array();
      for (const auto& r : in_.replies) keys.push_back({{"delivery_id", r.reply.delivery}, {"reference", r.reply.reference}});
      auto existing = db_.exec_params(
          "SELECT r.id, r.delivery_id, r.reference FROM replies r "
          "JOIN jsonb_to_recordset($1::jsonb) AS x(delivery_id bigint, reference text) USING (delivery_id, reference)",
          {json_param(keys)});
      if (!existing.ok()) return existing.status();
      for (int r = 0; r < existing->rows(); ++r)
        stored_replies_[{int_at(*existing, r, 1), str_at(*existing, r, 2)}] = int_at(*existing, r, 0);
    }
    if (!in_.transitions.empty()) {
      Json keys = Json::array();
      for (const auto& t : in_.transitions) keys.push_back({{"unit", t.unit}, {"reference", t.request.reference}});
      auto existing = db_.exec_params(
          "SELECT l.unit, l.reference, l.case_id, l.answer::text FROM lifecycle_requests l "
          "JOIN jsonb_to_recordset($1::jsonb) AS x(unit text, reference text) USING (unit, reference)",
          {json_param(keys)});
      if (!existing.ok()) return existing.status();
      for (int r = 0; r < existing->rows(); ++r) {
        TransitionOutcome o;
        o.duplicate = true;
        o.case_id = int_at(*existing, r, 2);
        for (const auto& d : Json::parse(existing->get(r, 3)))
          o.deliveries.push_back({d.at("delivery").get<std::int64_t>(), d.at("stage").get<std::string>()});
        stored_requests_[{str_at(*existing, r, 0), str_at(*existing, r, 1)}] = std::move(o);
      }
    }
    return {};
  }

  // --- applying ---

  void remember(const DeliveryFacts& d, const lifecycle::Outcome& outcome, const std::string& actor, int reply_index) {
    for (const auto& change : outcome.changes) {
      happened_.push_back({d.id, change, actor, d.stage, reply_index});
      if (change.event == "returned") returned_.push_back(d.id);
      if (change.event == "resolved" && change.detail.value("outcome", "") == "assigned")
        assigned_.push_back({d.id, change.detail.value("to", ""), change.detail.value("reason", "")});
    }
  }

  void take_reply(std::size_t i) {
    const NewReply& n = in_.replies[i];
    ReplyOutcome& o = out_.replies[i];
    const auto key = std::make_pair(n.reply.delivery, n.reply.reference);
    if (auto s = stored_replies_.find(key); s != stored_replies_.end()) {
      o.reply_id = s->second;
      o.duplicate = true;
      return;
    }
    const std::string name = "delivery " + std::to_string(n.reply.delivery);
    auto refuse = [&](const std::string& error_code, std::string message, Problems problems = {}) {
      o.error_code = error_code;
      o.message = std::move(message);
      o.problems = std::move(problems);
    };
    auto f = facts_.find(n.reply.delivery);
    if (f == facts_.end()) return refuse(code::kUnknownDelivery, name + " does not exist");
    DeliveryFacts& d = f->second;
    if (d.receiver != n.sender) return refuse(code::kNotReceiver, name + " was not sent to your unit");
    if (in_batch_replies_.count(key)) {
      o.duplicate = true;  // filled from the first occurrence after insert
      return;
    }
    if (n.reply.final && d.stage == Stage::kNotice)
      return refuse(code::kConflict, name + " is a notice: it informs and cannot be resolved; send a reply that is not final");
    lifecycle::Request request{n.reply.final ? Action::kResolve : Action::kProgress, n.sender};
    request.outcome = n.reply.outcome;
    DeliveryFacts trial = d;
    lifecycle::Outcome outcome = lifecycle::apply(trial, request, now_);
    if (!outcome.ok()) return refuse(outcome.error_code, outcome.message);
    if (in_.check_reply) {
      Problems problems = in_.check_reply(d.type, ReplyView{0, n.reply.delivery, n.sender, n.reply.final,
                                                            n.reply.outcome, n.reply.body, n.attachments});
      if (!problems.empty()) {
        // Told before the problems are moved into the call (its arguments have no order).
        const std::string message =
            std::to_string(problems.size()) + " problem(s) in this reply to " + d.type + ": fix them and send again";
        return refuse(code::kInvalidReply, message, std::move(problems));
      }
    }
    if (!outcome.changes.empty()) {
      d = std::move(trial);
      changed_.insert(d.id);
    }
    in_batch_replies_.emplace(key, i);
    remember(d, outcome, n.sender, static_cast<int>(i));
    reply_rows_.push_back({{"delivery_id", n.reply.delivery}, {"case_id", d.case_id}, {"sender", n.sender},
                           {"reference", n.reply.reference}, {"final", n.reply.final}, {"outcome", n.reply.outcome},
                           {"body", n.reply.body}, {"recipient", d.origin},
                           {"attachments", n.attachments.empty() ? Json() : attachments_array(n.attachments)},
                           {"state", d.origin.rfind(kPluginOriginPrefix, 0) == 0 ? "acked" : "pending"}});
  }

  // The deliveries a request is about, or a refusal in `o`.
  std::vector<DeliveryFacts*> targets_of(const NewTransition& t, TransitionOutcome& o) {
    const auto& q = t.request;
    auto refuse = [&](const char* error_code, std::string message) {
      o.error_code = error_code;
      o.message = std::move(message);
      return std::vector<DeliveryFacts*>{};
    };
    if (q.delivery) {
      auto f = facts_.find(q.delivery);
      if (f == facts_.end() || (q.case_id && f->second.case_id != q.case_id))
        return refuse(code::kUnknownDelivery, "delivery " + std::to_string(q.delivery) + " does not exist" +
                                                  (q.case_id ? " in case " + std::to_string(q.case_id) : ""));
      return {&f->second};
    }
    auto origin = origin_of_case_.find(q.case_id);
    if (origin == origin_of_case_.end())
      return refuse(code::kUnknownCase, "case " + std::to_string(q.case_id) + " does not exist");
    if (origin->second != t.unit)
      return refuse(code::kNotOriginator, "case " + std::to_string(q.case_id) + " was sent by " + origin->second +
                                              "; only its originator may close or reopen it");
    std::vector<DeliveryFacts*> resolved, closed;
    for (auto& [id, d] : facts_) {
      if (d.case_id != q.case_id) continue;
      if (d.stage == Stage::kResolved) resolved.push_back(&d);
      if (d.stage == Stage::kClosed) closed.push_back(&d);
    }
    if (q.kind == Kind::kReopen && resolved.size() != 1)
      return refuse(code::kIllegalTransition,
                    resolved.empty() ? "case " + std::to_string(q.case_id) + " has no resolved delivery to reopen"
                                     : "case " + std::to_string(q.case_id) + " has " + std::to_string(resolved.size()) +
                                           " resolved deliveries: name the one to reopen with 'delivery'");
    if (q.kind == Kind::kClose && resolved.empty()) {
      if (!closed.empty()) return closed;  // closed before: nothing more to do
      return refuse(code::kIllegalTransition, "case " + std::to_string(q.case_id) +
                                                  " has no resolved delivery to close: wait for the final replies");
    }
    return resolved;
  }

  void take_transition(std::size_t i) {
    const NewTransition& t = in_.transitions[i];
    TransitionOutcome& o = out_.transitions[i];
    const auto key = std::make_pair(t.unit, t.request.reference);
    if (auto s = stored_requests_.find(key); s != stored_requests_.end()) {
      o = s->second;
      return;
    }
    if (auto first = in_batch_requests_.find(key); first != in_batch_requests_.end()) {
      o = out_.transitions[first->second];
      o.duplicate = true;
      return;
    }
    if (!in_.lifecycle.enabled()) {
      o.error_code = code::kInternal;
      o.message = "the hub's lifecycle is not configured";
      return;
    }
    std::vector<DeliveryFacts*> targets = targets_of(t, o);
    if (!o.error_code.empty()) return;
    if (t.request.kind == Kind::kAssign && !check_assignee(t, *targets.front(), o)) return;
    // All or nothing: every target is tried on a copy first.
    std::vector<std::pair<DeliveryFacts, lifecycle::Outcome>> results;
    for (DeliveryFacts* d : targets) {
      DeliveryFacts trial = *d;
      lifecycle::Outcome outcome = lifecycle::apply(trial, request_for(t, trial), now_);
      if (!outcome.ok()) {
        o.error_code = outcome.error_code;
        o.message = outcome.message;
        return;
      }
      results.emplace_back(std::move(trial), std::move(outcome));
    }
    for (std::size_t k = 0; k < targets.size(); ++k) {
      auto& [trial, outcome] = results[k];
      if (!outcome.changes.empty()) {
        *targets[k] = std::move(trial);
        changed_.insert(targets[k]->id);
      }
      remember(*targets[k], outcome, t.unit, -1);
      o.case_id = targets[k]->case_id;
      o.deliveries.push_back({targets[k]->id, std::string(lifecycle::stage_name(targets[k]->stage))});
    }
    if (!o.case_id) o.case_id = t.request.case_id;
    in_batch_requests_.emplace(key, i);
  }

  // The unit a case is assigned to must exist and not hold the case already.
  bool check_assignee(const NewTransition& t, const DeliveryFacts& d, TransitionOutcome& o) {
    const std::string& to = t.request.to;
    if (!in_.lifecycle.policy->knows_unit(to)) {
      o.error_code = code::kUnknownUnit;
      o.message = "unit '" + to + "' is not a member unit of this hub; check the id";
      return false;
    }
    auto holding = db_.exec_params(
        "SELECT count(*) FROM deliveries WHERE case_id = $1::bigint AND receiver = $2 AND NOT notice "
        "AND stage <> 'returned'",
        {std::to_string(d.case_id), to});
    if (!holding.ok() || holding->get(0, 0) != "0") {
      o.error_code = holding.ok() ? code::kIllegalTransition : code::kInternal;
      o.message = holding.ok() ? to + " already handles case " + std::to_string(d.case_id)
                               : "cannot check the case's deliveries: " + holding.status().message();
      return false;
    }
    return true;
  }

  lifecycle::Request request_for(const NewTransition& t, const DeliveryFacts& d) const {
    lifecycle::Request r{action_of(t.request.kind), t.unit};
    r.reason = t.request.reason;
    r.until = t.request.until;
    r.to = t.request.to;
    const auto& ctx = in_.lifecycle;
    if (r.action == Action::kExtend) r.approver = ctx.policy->extension_approver(d.receiver, d.compound, *ctx.directory);
    if (r.action == Action::kReopen) {
      auto by = ctx.policy->resolve_deadline(d.type, now_);
      if (by.ok()) r.reopened_resolve_by = *by;
    }
    return r;
  }

  // --- writing ---

  Status insert_replies() {
    if (reply_rows_.empty()) return {};
    auto inserted = db_.exec_params(
        "INSERT INTO replies (delivery_id, case_id, sender, reference, final, outcome, body, created_at, recipient, "
        "next_attempt_at, state, attachments) "
        "SELECT delivery_id, case_id, sender, reference, final, outcome, body, $2::timestamptz, recipient, $2::timestamptz, "
        "state, attachments "
        "FROM jsonb_to_recordset($1::jsonb) AS x(delivery_id bigint, case_id bigint, sender text, reference text, "
        "final boolean, outcome text, body jsonb, recipient text, state text, attachments jsonb) "
        "RETURNING id, delivery_id, reference",
        {json_param(reply_rows_), now_text_});
    if (!inserted.ok()) return inserted.status();
    std::vector<AttachmentRefRow> refs;
    for (int r = 0; r < inserted->rows(); ++r) {
      const std::size_t i = in_batch_replies_.at({int_at(*inserted, r, 1), str_at(*inserted, r, 2)});
      const NewReply& n = in_.replies[i];
      const DeliveryFacts& d = facts_.at(n.reply.delivery);
      ReplyOutcome& o = out_.replies[i];
      o.reply_id = int_at(*inserted, r, 0);
      for (const auto& file : n.attachments) refs.push_back({file.sha256, n.sender, d.case_id, o.reply_id});
      out_.events.push_back({"replied", d.case_id, d.id, o.reply_id, d.type, n.sender, d.origin,
                             {{"final", n.reply.final}, {"outcome", n.reply.outcome}}});
      const std::string plugin = in_.hook_plugin_of ? in_.hook_plugin_of(d.type) : "";
      if (!plugin.empty())
        hook_rows_.push_back({{"case_id", d.case_id}, {"plugin", plugin}, {"hook", "reply"}, {"reply_id", o.reply_id}});
    }
    if (Status s = record_refs(db_, refs); !s.ok()) return s;
    for (std::size_t i = 0; i < in_.replies.size(); ++i) {
      auto& o = out_.replies[i];
      const auto& n = in_.replies[i];
      if (o.duplicate && o.reply_id == 0 && o.error_code.empty())
        o.reply_id = out_.replies[in_batch_replies_.at({n.reply.delivery, n.reply.reference})].reply_id;
    }
    for (auto& h : happened_)
      if (h.reply_index >= 0 && h.change.detail.contains("reply"))
        h.change.detail["reply"] = out_.replies[static_cast<std::size_t>(h.reply_index)].reply_id;
    return {};
  }

  Status save_changed() {
    std::vector<const DeliveryFacts*> rows;
    for (std::int64_t id : changed_) {
      DeliveryFacts& d = facts_.at(id);
      d.watch_at.reset();
      if (in_.lifecycle.enabled()) {
        const auto& ctx = in_.lifecycle;
        const int levels = static_cast<int>(ctx.policy->escalation_chain(d.receiver, d.compound, *ctx.directory).size());
        if (auto step = lifecycle::next_step(d, ctx.policy->watch_settings(levels))) d.watch_at = step->due;
      }
      rows.push_back(&d);
    }
    return save_deliveries(db_, rows);
  }

  // Each returned delivery's case goes on: to the first route that still
  // reaches a unit which neither returned it nor holds it, else to the first
  // return decider in the same position, else to the operators (parked).
  Status reroute_returns() {
    if (returned_.empty() || !in_.lifecycle.enabled()) return {};
    const auto& ctx = in_.lifecycle;
    std::vector<NewDelivery> rows;
    for (std::int64_t id : returned_) {
      const DeliveryFacts& d = facts_.at(id);
      auto c = db_.exec_params(
          "SELECT c.reference, c.payload::text, "
          "  coalesce((SELECT json_agg(receiver) FROM deliveries WHERE case_id = c.id AND stage = 'returned'), '[]'), "
          "  coalesce((SELECT json_agg(receiver) FROM deliveries WHERE case_id = c.id AND NOT notice "
          "            AND stage <> 'returned'), '[]') "
          "FROM cases c WHERE c.id = $1::bigint",
          {std::to_string(d.case_id)});
      if (!c.ok()) return c.status();
      if (c->rows() != 1) return Status::Internal("case " + std::to_string(d.case_id) + " vanished during a return");
      const auto returned_by = Json::parse(c->get(0, 2)).get<std::vector<std::string>>();
      const auto holders = Json::parse(c->get(0, 3)).get<std::vector<std::string>>();
      std::vector<std::string> excluded = returned_by;
      excluded.insert(excluded.end(), holders.begin(), holders.end());
      const CaseView view{d.case_id, d.type, d.origin, str_at(*c, 0, 0), d.compound, Json::parse(c->get(0, 1))};
      const router::Decision decision = ctx.router->route_around(view, *ctx.directory, excluded);
      Json why{{"by", d.receiver}, {"reason", d.returned_reason}, {"delivery", d.id}};
      std::vector<std::string> to;
      for (const auto& r : decision.recipients)
        if (!r.notice) to.push_back(r.unit);
      bool decide = false;
      if (to.empty()) {
        for (const auto& unit : ctx.policy->return_deciders(d.compound, *ctx.directory))
          if (std::find(excluded.begin(), excluded.end(), unit) == excluded.end()) {
            to.push_back(unit);
            decide = true;
            why["decide"] = true;
            break;
          }
      }
      Json detail{{"returned_by", d.receiver}, {"to", to}, {"decide", decide}};
      if (to.empty()) {
        const std::string reason = "returned by " + d.receiver + " (" + d.returned_reason +
                                   ") and no other unit can take it: an operator must decide";
        auto parked = db_.exec_params("UPDATE cases SET parked_reason = $2, parked_at = $3::timestamptz WHERE id = $1::bigint",
                                      {std::to_string(d.case_id), reason, now_text_});
        if (!parked.ok()) return parked.status();
        out_.events.push_back({"parked", d.case_id, d.id, 0, d.type, d.receiver, "", {{"reason", reason}}});
        detail["parked"] = reason;
      }
      for (const auto& unit : to) rows.push_back({d.case_id, unit, false, false, d.type, Json{{"returned", why}}});
      happened_.push_back({d.id, {"rerouted", detail, false}, d.receiver, Stage::kReturned, -1});
    }
    auto inserted = insert_deliveries(db_, rows, now_, ctx, out_.events);
    if (!inserted.ok()) return inserted.status();
    for (const auto& n : *inserted) {
      const DeliveryFacts* from = nullptr;
      for (std::int64_t id : returned_)
        if (facts_.at(id).case_id == n.case_id) from = &facts_.at(id);
      Json detail{{"route", "return"}, {"notice", false}, {"returned_by", from ? from->receiver : ""}};
      add_deadlines(detail, n);
      out_.events.push_back({"routed", n.case_id, n.id, 0, from ? from->type : "", from ? from->origin : "", n.receiver,
                             std::move(detail)});
    }
    return {};
  }

  // A decider's assignment: the named unit gets the case, with its own deadlines.
  Status dispatch_assignments() {
    if (assigned_.empty()) return {};
    std::vector<NewDelivery> rows;
    for (const auto& a : assigned_) {
      const DeliveryFacts& d = facts_.at(a.delivery);
      Json why{{"by", d.receiver}, {"delivery", d.id}};
      if (!a.reason.empty()) why["reason"] = a.reason;
      rows.push_back({d.case_id, a.to, false, false, d.type, Json{{"assigned", why}}});
      happened_.push_back({d.id, {"rerouted", {{"assigned_by", d.receiver}, {"to", Json::array({a.to})}}, false},
                           d.receiver, Stage::kResolved, -1});
    }
    auto inserted = insert_deliveries(db_, rows, now_, in_.lifecycle, out_.events);
    if (!inserted.ok()) return inserted.status();
    for (const auto& n : *inserted)
      for (const auto& a : assigned_) {
        const DeliveryFacts& d = facts_.at(a.delivery);
        if (d.case_id != n.case_id || a.to != n.receiver) continue;
        Json detail{{"route", "assign"}, {"notice", false}, {"assigned_by", d.receiver}};
        add_deadlines(detail, n);
        out_.events.push_back({"routed", n.case_id, n.id, 0, d.type, d.origin, n.receiver, std::move(detail)});
      }
    return {};
  }

  Status record_requests() {
    if (in_batch_requests_.empty()) return {};
    Json rows = Json::array();
    for (const auto& [key, i] : in_batch_requests_) {
      const TransitionOutcome& o = out_.transitions[i];
      Json answer = Json::array();
      for (const auto& d : o.deliveries) answer.push_back({{"delivery", d.delivery}, {"stage", d.stage}});
      rows.push_back({{"unit", key.first}, {"reference", key.second},
                      {"kind", protocol::kind_name(in_.transitions[i].request.kind)}, {"case_id", o.case_id},
                      {"answer", answer}});
    }
    return db_.exec_params(
                  "INSERT INTO lifecycle_requests (unit, reference, kind, case_id, answer, created_at) "
                  "SELECT unit, reference, kind, case_id, answer, $2::timestamptz FROM jsonb_to_recordset($1::jsonb) "
                  "AS x(unit text, reference text, kind text, case_id bigint, answer jsonb)",
                  {json_param(rows), now_text_})
        .status();
  }

  // Routing events and updates: the originator hears of every change it did
  // not make itself, the receiver of every change someone else made, and the
  // approver of each extension request.
  void record_changes() {
    for (const auto& h : happened_) {
      const DeliveryFacts& d = facts_.at(h.delivery);
      const std::string counterpart = h.actor == d.receiver ? d.origin : d.receiver;
      Json detail = h.change.detail;
      out_.events.push_back({h.change.event, d.case_id, d.id, 0, d.type, h.actor, counterpart, detail});
      Json body{{"kind", "state"},
                {"case", d.case_id},
                {"delivery", d.id},
                {"receiver", d.receiver},
                {"type", d.type},
                {"change", h.change.event},
                {"stage", std::string(lifecycle::stage_name(h.stage_after))},
                {"by", h.actor},
                {"at", to_local_iso8601(now_)},
                {"detail", detail}};
      if (d.sign_by) body["sign_by"] = to_local_iso8601(*d.sign_by);
      if (d.resolve_by) body["resolve_by"] = to_local_iso8601(*d.resolve_by);
      if (h.actor != d.origin) updates_.push_back({d.origin, d.case_id, d.id, body});
      if (h.change.tell_receiver && h.actor != d.receiver) updates_.push_back({d.receiver, d.case_id, d.id, body});
      if (h.change.event == "extension_requested")
        updates_.push_back({d.extension_approver, d.case_id, d.id,
                            Json{{"kind", "extension_request"},
                                 {"case", d.case_id},
                                 {"delivery", d.id},
                                 {"receiver", d.receiver},
                                 {"type", d.type},
                                 {"compound", d.compound},
                                 {"resolve_by", d.resolve_by ? to_local_iso8601(*d.resolve_by) : ""},
                                 {"until", detail.value("until", "")},
                                 {"reason", detail.value("reason", "")}}});
    }
  }

  PgConnection& db_;
  const BatchInput& in_;
  const TimePoint now_;
  const std::string now_text_;
  BatchOutput& out_;
  Json& hook_rows_;

  std::map<std::int64_t, DeliveryFacts> facts_;
  std::map<CaseId, std::string> origin_of_case_;
  std::map<std::pair<std::int64_t, std::string>, std::int64_t> stored_replies_;
  std::map<std::pair<std::string, std::string>, TransitionOutcome> stored_requests_;
  std::map<std::pair<std::int64_t, std::string>, std::size_t> in_batch_replies_;
  std::map<std::pair<std::string, std::string>, std::size_t> in_batch_requests_;
  std::set<std::int64_t> changed_;
  std::vector<std::int64_t> returned_;
  struct Assignment {
    std::int64_t delivery;
    std::string to, reason;
  };
  std::vector<Assignment> assigned_;
  std::vector<Happened> happened_;
  Json reply_rows_ = Json::array();
  std::vector<NewUpdate> updates_;
};

}  // namespace

Status write_lifecycle(PgConnection& db, const BatchInput& in, TimePoint now, BatchOutput& out, Json& hook_rows) {
  return Writer(db, in, now, out, hook_rows).write();
}

}  // namespace hub::store
