#include "store/case_batch.h"

#include <map>
#include <unordered_map>

#include "util/time_format.h"

namespace hub::store {
namespace {

using Key = std::pair<std::string, std::string>;  // (origin, reference)

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string bigint_array(const std::vector<std::int64_t>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "}";
}

bool is_plugin_origin(const std::string& origin) { return origin.rfind(kPluginOriginPrefix, 0) == 0; }

std::int64_t int_at(const PgResult& r, int row, int col) { return r.get_int64(row, col).value(); }
std::string str_at(const PgResult& r, int row, int col) { return std::string(r.get(row, col)); }

class BatchWriter {
 public:
  BatchWriter(PgConnection& db, const BatchInput& in, TimePoint now) : db_(db), in_(in), now_(to_iso8601(now)) {
    out_.cases.resize(in.cases.size());
    out_.replies.resize(in.replies.size());
  }

  Status write() {
    if (Status s = write_cases(); !s.ok()) return s;
    if (Status s = write_replies(); !s.ok()) return s;
    if (Status s = write_acks(); !s.ok()) return s;
    if (Status s = write_hook_tasks(); !s.ok()) return s;
    out_.events.insert(out_.events.begin(), in_.events.begin(), in_.events.end());
    return {};
  }
  BatchOutput take() { return std::move(out_); }
  std::vector<Event>& events() { return out_.events; }

 private:
  Status write_cases() {
    if (in_.cases.empty()) return {};
    std::map<Key, std::size_t> first;  // key → index of its first occurrence
    Json rows = Json::array();
    for (std::size_t i = 0; i < in_.cases.size(); ++i) {
      const auto& n = in_.cases[i];
      if (!first.emplace(Key{n.c.origin, n.c.reference}, i).second) continue;
      rows.push_back({{"origin", n.c.origin}, {"reference", n.c.reference}, {"type", n.c.type},
                      {"compound", n.c.compound}, {"payload", n.c.payload},
                      {"route", n.decision.route_id.empty() ? Json() : Json(n.decision.route_id)},
                      {"parked_reason", n.decision.parked_reason.empty() ? Json() : Json(n.decision.parked_reason)}});
    }
    auto inserted = db_.exec_params(
        "INSERT INTO cases (origin, reference, type, compound, payload, route, parked_reason, created_at) "
        "SELECT origin, reference, type, compound, payload, route, parked_reason, $2::timestamptz "
        "FROM jsonb_to_recordset($1::jsonb) AS x(origin text, reference text, type text, compound text, "
        "payload jsonb, route text, parked_reason text) "
        "ON CONFLICT (origin, reference) DO NOTHING RETURNING id, origin, reference",
        {dump(rows), now_});
    if (!inserted.ok()) return inserted.status();

    std::map<Key, CaseId> new_ids;
    for (int r = 0; r < inserted->rows(); ++r) new_ids[{str_at(*inserted, r, 1), str_at(*inserted, r, 2)}] = int_at(*inserted, r, 0);
    if (new_ids.size() < first.size()) {
      // Keys stored by an earlier commit: answer with what was stored then.
      std::map<Key, std::size_t> stored_before;
      for (const auto& [key, index] : first)
        if (!new_ids.count(key)) stored_before.emplace(key, index);
      if (Status s = read_duplicates(stored_before); !s.ok()) return s;
    }

    Json deliveries = Json::array();
    for (const auto& [key, index] : first) {
      auto it = new_ids.find(key);
      if (it == new_ids.end()) continue;
      const NewCase& n = in_.cases[index];
      CaseOutcome& o = out_.cases[index];
      o.id = it->second;
      o.parked_reason = n.decision.parked_reason;
      out_.events.push_back({"accepted", o.id, 0, 0, n.c.type, n.c.origin, "",
                             {{"reference", n.c.reference}, {"route", n.decision.route_id}}});
      if (!o.parked_reason.empty())
        out_.events.push_back({"parked", o.id, 0, 0, n.c.type, n.c.origin, "", {{"reason", o.parked_reason}}});
      for (const auto& r : n.decision.recipients)
        deliveries.push_back({{"case_id", o.id}, {"receiver", r.unit}, {"notice", r.notice},
                              {"state", n.hold_for_annex ? "held" : "pending"}});
      if (n.run_hooks) hook_rows_.push_back({{"case_id", o.id}, {"plugin", n.plugin}, {"hook", "accepted"}});
    }
    if (Status s = insert_deliveries(deliveries); !s.ok()) return s;
    // Later occurrences of a key in this batch get the first one's answer.
    for (std::size_t i = 0; i < in_.cases.size(); ++i) {
      const std::size_t f = first.at({in_.cases[i].c.origin, in_.cases[i].c.reference});
      if (f != i) {
        out_.cases[i] = out_.cases[f];
        out_.cases[i].duplicate = true;
      }
    }
    return {};
  }

  // Fills the outcome of the cases whose key an earlier commit stored.
  // `keys` maps each such key to the index of its first occurrence in the batch.
  Status read_duplicates(const std::map<Key, std::size_t>& keys) {
    Json rows = Json::array();
    for (const auto& [key, index] : keys) rows.push_back({{"origin", key.first}, {"reference", key.second}});
    auto existing = db_.exec_params(
        "SELECT c.id, c.origin, c.reference, coalesce(c.parked_reason, '') FROM cases c "
        "JOIN jsonb_to_recordset($1::jsonb) AS x(origin text, reference text) USING (origin, reference)",
        {dump(rows)});
    if (!existing.ok()) return existing.status();
    std::map<CaseId, std::size_t> index_of;
    std::vector<std::int64_t> ids;
    for (int r = 0; r < existing->rows(); ++r) {
      const std::size_t i = keys.at({str_at(*existing, r, 1), str_at(*existing, r, 2)});
      const CaseId id = int_at(*existing, r, 0);
      out_.cases[i].id = id;
      out_.cases[i].duplicate = true;
      out_.cases[i].parked_reason = str_at(*existing, r, 3);
      index_of[id] = i;
      ids.push_back(id);
    }
    if (ids.size() != keys.size())
      return Status::Internal("a case key conflicted but its stored case cannot be read; the batch is retried");
    auto deliveries = db_.exec_params(
        "SELECT id, case_id, receiver, notice FROM deliveries WHERE case_id = ANY($1::bigint[]) ORDER BY id",
        {bigint_array(ids)});
    if (!deliveries.ok()) return deliveries.status();
    for (int r = 0; r < deliveries->rows(); ++r)
      out_.cases[index_of.at(int_at(*deliveries, r, 1))].deliveries.push_back(
          {int_at(*deliveries, r, 0), str_at(*deliveries, r, 2), deliveries->get(r, 3) == "t"});
    return {};
  }

  Status insert_deliveries(const Json& rows) {
    if (rows.empty()) return {};
    auto inserted = db_.exec_params(
        "INSERT INTO deliveries (case_id, receiver, notice, state, next_attempt_at, dispatched_at) "
        "SELECT case_id, receiver, notice, state, $2::timestamptz, $2::timestamptz "
        "FROM jsonb_to_recordset($1::jsonb) AS x(case_id bigint, receiver text, notice boolean, state text) "
        "RETURNING id, case_id, receiver, notice",
        {dump(rows), now_});
    if (!inserted.ok()) return inserted.status();
    std::unordered_map<CaseId, std::size_t> index_of;
    for (std::size_t i = 0; i < out_.cases.size(); ++i)
      if (out_.cases[i].id && !out_.cases[i].duplicate) index_of[out_.cases[i].id] = i;
    for (int r = 0; r < inserted->rows(); ++r) {
      const std::size_t i = index_of.at(int_at(*inserted, r, 1));
      out_.cases[i].deliveries.push_back({int_at(*inserted, r, 0), str_at(*inserted, r, 2), inserted->get(r, 3) == "t"});
    }
    for (std::size_t i = 0; i < out_.cases.size(); ++i) {
      auto& o = out_.cases[i];
      if (o.duplicate || !o.id) continue;
      std::sort(o.deliveries.begin(), o.deliveries.end(), [](auto& a, auto& b) { return a.delivery < b.delivery; });
      for (const auto& d : o.deliveries)
        out_.events.push_back({"routed", o.id, d.delivery, 0, in_.cases[i].c.type, in_.cases[i].c.origin, d.to,
                               {{"route", in_.cases[i].decision.route_id}, {"notice", d.notice}}});
    }
    return {};
  }

  Status write_replies() {
    if (in_.replies.empty()) return {};
    std::vector<std::int64_t> ids;
    Json keys = Json::array();
    for (const auto& r : in_.replies) {
      ids.push_back(r.reply.delivery);
      keys.push_back({{"delivery_id", r.reply.delivery}, {"reference", r.reply.reference}});
    }
    auto existing = db_.exec_params(
        "SELECT r.id, r.delivery_id, r.reference FROM replies r "
        "JOIN jsonb_to_recordset($1::jsonb) AS x(delivery_id bigint, reference text) USING (delivery_id, reference)",
        {dump(keys)});
    if (!existing.ok()) return existing.status();
    std::map<std::pair<std::int64_t, std::string>, std::int64_t> stored;
    for (int r = 0; r < existing->rows(); ++r) stored[{int_at(*existing, r, 1), str_at(*existing, r, 2)}] = int_at(*existing, r, 0);

    auto targets = db_.exec_params(
        "SELECT d.id, d.receiver, d.notice, d.resolved_at IS NOT NULL, c.id, c.origin, c.type "
        "FROM deliveries d JOIN cases c ON c.id = d.case_id WHERE d.id = ANY($1::bigint[])",
        {bigint_array(ids)});
    if (!targets.ok()) return targets.status();
    struct Target { std::string receiver, origin, type; bool notice, resolved; CaseId case_id; };
    std::unordered_map<std::int64_t, Target> target_of;
    for (int r = 0; r < targets->rows(); ++r)
      target_of[int_at(*targets, r, 0)] = {str_at(*targets, r, 1), str_at(*targets, r, 5), str_at(*targets, r, 6),
                                           targets->get(r, 2) == "t", targets->get(r, 3) == "t", int_at(*targets, r, 4)};

    Json rows = Json::array();
    std::vector<std::size_t> row_index;
    std::map<std::pair<std::int64_t, std::string>, std::size_t> in_batch;
    for (std::size_t i = 0; i < in_.replies.size(); ++i) {
      const auto& n = in_.replies[i];
      ReplyOutcome& o = out_.replies[i];
      const auto key = std::make_pair(n.reply.delivery, n.reply.reference);
      if (auto s = stored.find(key); s != stored.end()) {
        o.reply_id = s->second;
        o.duplicate = true;
        continue;
      }
      auto t = target_of.find(n.reply.delivery);
      const std::string delivery = "delivery " + std::to_string(n.reply.delivery);
      auto refuse = [&](const char* code, std::string message, Problems problems = {}) {
        o.error_code = code;
        o.message = std::move(message);
        o.problems = std::move(problems);
      };
      Problems problems;
      if (t == target_of.end()) {
        refuse(protocol::code::kUnknownDelivery, delivery + " does not exist");
      } else if (t->second.receiver != n.sender) {
        refuse(protocol::code::kNotReceiver, delivery + " was not sent to your unit");
      } else if (n.reply.final && t->second.notice) {
        refuse(protocol::code::kConflict,
               delivery + " is a notice: it informs and cannot be resolved; send a reply that is not final");
      } else if (n.reply.final && t->second.resolved) {
        refuse(protocol::code::kConflict, delivery + " already has a final reply; later replies must not be final");
      } else if (in_.check_reply &&
                 !(problems = in_.check_reply(t->second.type, ReplyView{0, n.reply.delivery, n.sender, n.reply.final,
                                                                        n.reply.outcome, n.reply.body}))
                      .empty()) {
        refuse(protocol::code::kInvalidReply,
               std::to_string(problems.size()) + " problem(s) in this reply to " + t->second.type +
                   ": fix them and send again",
               std::move(problems));
      } else if (!in_batch.emplace(key, i).second) {
        o.duplicate = true;  // filled from the first occurrence below
      } else {
        rows.push_back({{"delivery_id", n.reply.delivery}, {"case_id", t->second.case_id}, {"sender", n.sender},
                        {"reference", n.reply.reference}, {"final", n.reply.final}, {"outcome", n.reply.outcome},
                        {"body", n.reply.body}, {"recipient", t->second.origin},
                        {"state", is_plugin_origin(t->second.origin) ? "acked" : "pending"}});
        row_index.push_back(i);
      }
    }
    if (rows.empty()) return {};
    auto inserted = db_.exec_params(
        "INSERT INTO replies (delivery_id, case_id, sender, reference, final, outcome, body, created_at, recipient, "
        "next_attempt_at, state) "
        "SELECT delivery_id, case_id, sender, reference, final, outcome, body, $2::timestamptz, recipient, $2::timestamptz, state "
        "FROM jsonb_to_recordset($1::jsonb) AS x(delivery_id bigint, case_id bigint, sender text, reference text, "
        "final boolean, outcome text, body jsonb, recipient text, state text) RETURNING id, delivery_id, reference",
        {dump(rows), now_});
    if (!inserted.ok()) return inserted.status();
    std::vector<std::int64_t> resolved;
    for (int r = 0; r < inserted->rows(); ++r) {
      const auto key = std::make_pair(int_at(*inserted, r, 1), str_at(*inserted, r, 2));
      const std::size_t i = in_batch.at(key);
      const auto& n = in_.replies[i];
      const Target& t = target_of.at(n.reply.delivery);
      ReplyOutcome& o = out_.replies[i];
      o.reply_id = int_at(*inserted, r, 0);
      out_.events.push_back({"replied", t.case_id, n.reply.delivery, o.reply_id, t.type, n.sender, t.origin,
                             {{"final", n.reply.final}, {"outcome", n.reply.outcome}}});
      if (n.reply.final) resolved.push_back(n.reply.delivery);
      const std::string plugin = in_.hook_plugin_of ? in_.hook_plugin_of(t.type) : "";
      if (!plugin.empty())
        hook_rows_.push_back({{"case_id", t.case_id}, {"plugin", plugin}, {"hook", "reply"}, {"reply_id", o.reply_id}});
    }
    for (std::size_t i = 0; i < in_.replies.size(); ++i) {
      auto& o = out_.replies[i];
      if (o.duplicate && o.reply_id == 0 && o.error_code.empty()) {
        const auto& n = in_.replies[i];
        o.reply_id = out_.replies[in_batch.at({n.reply.delivery, n.reply.reference})].reply_id;
      }
    }
    if (resolved.empty()) return {};
    return db_.exec_params("UPDATE deliveries SET resolved_at = $2::timestamptz WHERE id = ANY($1::bigint[]) AND resolved_at IS NULL",
                           {bigint_array(resolved), now_}).status();
  }

  Status write_acks() {
    Json deliveries = Json::array(), replies = Json::array();
    for (const auto& a : in_.acks)
      (a.ack.what == protocol::Ack::What::kDelivery ? deliveries : replies).push_back({{"id", a.ack.id}, {"unit", a.unit}});
    if (!deliveries.empty()) {
      auto acked = db_.exec_params(
          "UPDATE deliveries d SET state = 'acked', acked_at = $2::timestamptz, lease_owner = NULL, lease_until = NULL "
          "FROM jsonb_to_recordset($1::jsonb) AS a(id bigint, unit text), cases c "
          "WHERE d.id = a.id AND d.receiver = a.unit AND d.state <> 'acked' AND c.id = d.case_id "
          "RETURNING d.id, d.case_id, c.type, c.origin, d.receiver",
          {dump(deliveries), now_});
      if (!acked.ok()) return acked.status();
      for (int r = 0; r < acked->rows(); ++r)
        out_.events.push_back({"acked", int_at(*acked, r, 1), int_at(*acked, r, 0), 0, str_at(*acked, r, 2),
                               str_at(*acked, r, 3), str_at(*acked, r, 4), Json::object()});
    }
    if (!replies.empty()) {
      auto acked = db_.exec_params(
          "UPDATE replies r SET state = 'acked', acked_at = $2::timestamptz, lease_owner = NULL, lease_until = NULL "
          "FROM jsonb_to_recordset($1::jsonb) AS a(id bigint, unit text), cases c "
          "WHERE r.id = a.id AND r.recipient = a.unit AND r.state <> 'acked' AND c.id = r.case_id "
          "RETURNING r.id, r.case_id, c.type, r.sender, r.recipient, r.delivery_id",
          {dump(replies), now_});
      if (!acked.ok()) return acked.status();
      for (int r = 0; r < acked->rows(); ++r)
        out_.events.push_back({"reply_acked", int_at(*acked, r, 1), int_at(*acked, r, 5), int_at(*acked, r, 0),
                               str_at(*acked, r, 2), str_at(*acked, r, 3), str_at(*acked, r, 4), Json::object()});
    }
    return {};
  }

  Status write_hook_tasks() {
    if (hook_rows_.empty()) return {};
    return db_.exec_params(
                  "INSERT INTO hook_tasks (case_id, plugin, hook, reply_id, next_attempt_at, created_at) "
                  "SELECT case_id, plugin, hook, reply_id, $2::timestamptz, $2::timestamptz "
                  "FROM jsonb_to_recordset($1::jsonb) AS x(case_id bigint, plugin text, hook text, reply_id bigint)",
                  {dump(hook_rows_), now_})
        .status();
  }

  PgConnection& db_;
  const BatchInput& in_;
  const std::string now_;
  BatchOutput out_;
  Json hook_rows_ = Json::array();
};

}  // namespace

Result<BatchOutput> write_batch(PgConnection& db, const BatchInput& in, TimePoint now) {
  BatchWriter writer(db, in, now);
  if (Status s = writer.write(); !s.ok()) return s;
  if (Status s = insert_events(db, writer.events(), now); !s.ok()) return s;
  return writer.take();
}

Result<BatchOutput> commit_batch(PgConnection& db, const BatchInput& in, TimePoint now) {
  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.status();
  auto out = write_batch(db, in, now);
  if (!out.ok()) return out.status();
  if (Status s = tx->commit(); !s.ok()) return s;
  return out;
}

}  // namespace hub::store
