#include "store/case_batch.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "store/attachments.h"
#include "store/delivery_rows.h"
#include "store/lifecycle_writer.h"
#include "store/sql_values.h"
#include "util/time_format.h"
#include "util/time_parse.h"

namespace hub::store {
namespace {

using Key = std::pair<std::string, std::string>;  // (origin, reference)

std::int64_t int_at(const PgResult& r, int row, int col) { return r.get_int64(row, col).value(); }
std::string str_at(const PgResult& r, int row, int col) { return std::string(r.get(row, col)); }

class BatchWriter {
 public:
  BatchWriter(PgConnection& db, const BatchInput& in, TimePoint now)
      : db_(db), in_(in), now_time_(now), now_(to_iso8601(now)) {
    out_.cases.resize(in.cases.size());
    out_.replies.resize(in.replies.size());
  }

  Status write() {
    if (Status s = write_cases(); !s.ok()) return s;
    if (Status s = write_lifecycle(db_, in_, now_time_, out_, hook_rows_); !s.ok()) return s;
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
    payloads_.resize(in_.cases.size());
    serialized_.reserve(in_.cases.size());
    JsonRows rows;
    for (std::size_t i = 0; i < in_.cases.size(); ++i) {
      const auto& n = in_.cases[i];
      if (!first.emplace(Key{n.c.origin, n.c.reference}, i).second) continue;
      payloads_[i] = n.payload_json;
      if (n.payload_json.empty()) payloads_[i] = serialized_.emplace_back(json_param(n.c.payload));
      Json row{{"origin", n.c.origin}, {"reference", n.c.reference}, {"type", n.c.type}, {"compound", n.c.compound},
               {"route", n.decision.route_id.empty() ? Json() : Json(n.decision.route_id)},
               {"parked_reason", n.decision.parked_reason.empty() ? Json() : Json(n.decision.parked_reason)}};
      // Absent, the column is NULL: most cases carry no files, and their rows stay as short as before.
      if (!n.c.attachments.empty()) row["attachments"] = attachments_array(n.c.attachments);
      rows.add(row, "payload", payloads_[i]);
    }
    auto inserted = db_.exec_reused(
        "INSERT INTO cases (origin, reference, type, compound, payload, route, parked_reason, parked_at, created_at, "
        "attachments) "
        "SELECT origin, reference, type, compound, payload, route, parked_reason, "
        "CASE WHEN parked_reason IS NOT NULL THEN $2::timestamptz END, $2::timestamptz, attachments "
        "FROM jsonb_to_recordset($1::jsonb) AS x(origin text, reference text, type text, compound text, "
        "payload jsonb, route text, parked_reason text, attachments jsonb) "
        "ON CONFLICT (origin, reference) DO NOTHING RETURNING id, origin, reference",
        {rows.take(), now_});
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

    std::vector<NewDelivery> deliveries;
    std::vector<AttachmentRefRow> refs;
    for (const auto& [key, index] : first) {
      auto it = new_ids.find(key);
      if (it == new_ids.end()) continue;
      const NewCase& n = in_.cases[index];
      CaseOutcome& o = out_.cases[index];
      o.id = it->second;
      for (const auto& file : n.c.attachments) refs.push_back({file.sha256, n.c.origin, o.id, 0});
      o.parked_reason = n.decision.parked_reason;
      out_.events.push_back({"accepted", o.id, 0, 0, n.c.type, n.c.origin, "",
                             {{"reference", n.c.reference}, {"route", n.decision.route_id}}});
      if (!o.parked_reason.empty())
        out_.events.push_back({"parked", o.id, 0, 0, n.c.type, n.c.origin, "", {{"reason", o.parked_reason}}});
      for (const auto& r : n.decision.recipients) {
        const bool leased = !n.hold_for_annex && in_.direct.here && in_.direct.here(r.unit);
        deliveries.push_back({o.id, r.unit, r.notice, n.hold_for_annex, n.c.type, Json(), leased});
        if (!leased && !n.hold_for_annex) ++out_.claimable;
      }
      if (n.run_hooks) hook_rows_.push_back({{"case_id", o.id}, {"plugin", n.plugin}, {"hook", "accepted"}});
    }
    if (Status s = record_refs(db_, refs); !s.ok()) return s;
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
        {json_param(rows)});
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

  Status insert_deliveries(const std::vector<NewDelivery>& rows) {
    if (rows.empty()) return {};
    const DirectLease lease{in_.direct.hub_id, now_time_ + in_.direct.lease};
    auto inserted = store::insert_deliveries(db_, rows, now_time_, in_.lifecycle, out_.events, lease);
    if (!inserted.ok()) return inserted.status();
    std::unordered_map<CaseId, std::size_t> index_of;
    for (std::size_t i = 0; i < out_.cases.size(); ++i)
      if (out_.cases[i].id && !out_.cases[i].duplicate) index_of[out_.cases[i].id] = i;
    std::unordered_map<std::int64_t, const InsertedDelivery*> by_id;
    for (const auto& d : *inserted) {
      out_.cases[index_of.at(d.case_id)].deliveries.push_back({d.id, d.receiver, d.notice});
      by_id[d.id] = &d;
    }
    for (std::size_t i = 0; i < out_.cases.size(); ++i) {
      auto& o = out_.cases[i];
      if (o.duplicate || !o.id) continue;
      std::sort(o.deliveries.begin(), o.deliveries.end(), [](auto& a, auto& b) { return a.delivery < b.delivery; });
      for (const auto& d : o.deliveries) {
        Json detail{{"route", in_.cases[i].decision.route_id}, {"notice", d.notice}};
        const InsertedDelivery& row = *by_id.at(d.delivery);
        add_deadlines(detail, row);
        // Written claimed, it is also sent: one event says both (no "delivered" of its own).
        if (row.leased) detail["attempt"] = 1;
        out_.events.push_back({"routed", o.id, d.delivery, 0, in_.cases[i].c.type, in_.cases[i].c.origin, d.to,
                               std::move(detail)});
        if (row.leased) add_direct(in_.cases[i].c, payloads_[i], row);
      }
    }
    std::sort(out_.direct.begin(), out_.direct.end(),
              [](const auto& a, const auto& b) { return a.second.delivery < b.second.delivery; });
    return {};
  }

  // A delivery written claimed: its message (its "routed" event records the attempt).
  void add_direct(const CaseView& c, std::string_view payload_json, const InsertedDelivery& row) {
    protocol::OutgoingDelivery d;
    d.delivery = row.id;
    d.case_id = row.case_id;
    d.type = c.type;
    d.origin = c.origin;
    d.reference = c.reference;
    d.compound = c.compound;
    d.notice = row.notice;
    d.attempt = 1;
    d.payload_json = payload_json;
    d.attachments_json = attachments_json(c.attachments);
    if (row.sign_by) d.sign_by = to_local_iso8601(*row.sign_by);
    if (row.resolve_by) d.resolve_by = to_local_iso8601(*row.resolve_by);
    out_.direct.emplace_back(row.receiver, std::move(d));
  }

  // The acks of one kind: their ids, and "id unit" keys (only the unit a
  // row is addressed to may ack it). Every ack statement finds its rows by
  // `id = ANY(ids)` on the primary key and checks the key against the
  // second array, which PostgreSQL hashes: no join, so no plan whose cost
  // depends on statistics. (Joined to unnest(ids, units), the planner read
  // "nearly every delivery is acked" as "this batch matches one row" and
  // rescanned the array once per row: 2,000 acks took 500 ms instead of 24.)
  struct AckList {
    ArrayParam ids, keys;
    bool empty = true;
    void add(std::int64_t id, const std::string& unit) {
      ids.number(id);
      keys.text(std::to_string(id) + ' ' + unit);
      empty = false;
    }
  };

  Status write_acks() {
    AckList deliveries, replies, updates;
    for (const auto& a : in_.acks) {
      const bool delivery = a.ack.what == protocol::Ack::What::kDelivery;
      const bool reply = a.ack.what == protocol::Ack::What::kReply;
      (delivery ? deliveries : reply ? replies : updates).add(a.ack.id, a.unit);
    }
    if (!updates.empty) {
      // An update's ack is not a routing step worth a log line; it only stops the resending.
      auto acked = db_.exec_params(
          "UPDATE updates u SET state = 'acked', acked_at = $3::timestamptz, lease_owner = NULL, lease_until = NULL "
          "WHERE u.id = ANY($1::bigint[]) AND u.state <> 'acked' AND (u.id::text || ' ' || u.recipient) = ANY($2::text[])",
          {updates.ids.take(), updates.keys.take(), now_});
      if (!acked.ok()) return acked.status();
    }
    if (!deliveries.empty) {
      auto acked = db_.exec_params(
          "WITH acked AS (UPDATE deliveries d SET state = 'acked', acked_at = $3::timestamptz, lease_owner = NULL, "
          "lease_until = NULL WHERE d.id = ANY($1::bigint[]) AND d.state <> 'acked' "
          "AND (d.id::text || ' ' || d.receiver) = ANY($2::text[]) RETURNING d.id, d.case_id, d.receiver) "
          "SELECT a.id, a.case_id, c.type, c.origin, a.receiver FROM acked a JOIN cases c ON c.id = a.case_id",
          {deliveries.ids.take(), deliveries.keys.take(), now_});
      if (!acked.ok()) return acked.status();
      for (int r = 0; r < acked->rows(); ++r)
        out_.events.push_back({"acked", int_at(*acked, r, 1), int_at(*acked, r, 0), 0, str_at(*acked, r, 2),
                               str_at(*acked, r, 3), str_at(*acked, r, 4), Json::object()});
    }
    if (!replies.empty) {
      auto acked = db_.exec_params(
          "WITH acked AS (UPDATE replies r SET state = 'acked', acked_at = $3::timestamptz, lease_owner = NULL, "
          "lease_until = NULL WHERE r.id = ANY($1::bigint[]) AND r.state <> 'acked' "
          "AND (r.id::text || ' ' || r.recipient) = ANY($2::text[]) "
          "RETURNING r.id, r.case_id, r.sender, r.recipient, r.delivery_id) "
          "SELECT a.id, a.case_id, c.type, a.sender, a.recipient, a.delivery_id FROM acked a JOIN cases c ON c.id = a.case_id",
          {replies.ids.take(), replies.keys.take(), now_});
      if (!acked.ok()) return acked.status();
      for (int r = 0; r < acked->rows(); ++r)
        out_.events.push_back({"reply_acked", int_at(*acked, r, 1), int_at(*acked, r, 5), int_at(*acked, r, 0),
                               str_at(*acked, r, 2), str_at(*acked, r, 3), str_at(*acked, r, 4), Json::object()});
    }
    return {};
  }

  Status write_hook_tasks() {
    if (hook_rows_.empty()) return {};
    out_.hook_tasks = hook_rows_.size();
    return db_.exec_reused(
                  "INSERT INTO hook_tasks (case_id, plugin, hook, reply_id, next_attempt_at, created_at) "
                  "SELECT case_id, plugin, hook, reply_id, $2::timestamptz, $2::timestamptz "
                  "FROM jsonb_to_recordset($1::jsonb) AS x(case_id bigint, plugin text, hook text, reply_id bigint)",
                  {json_param(hook_rows_), now_})
        .status();
  }

  PgConnection& db_;
  const BatchInput& in_;
  const TimePoint now_time_;
  const std::string now_;
  BatchOutput out_;
  Json hook_rows_ = Json::array();
  // Each new case's payload as JSON text (index-aligned with in_.cases): the
  // intake's, or serialized here into `serialized_` (reserved, never moved).
  std::vector<std::string_view> payloads_;
  std::vector<std::string> serialized_;
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
