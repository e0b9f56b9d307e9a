#include "store/dispatch_claims.h"

#include "store/work_signal.h"
#include "util/time_format.h"
#include "util/time_parse.h"

namespace hub::store {
namespace {

std::string text_array(const std::vector<std::string>& values) {
  Json j = values;
  return j.dump();  // a JSON array; the SQL turns it into text[]
}

std::int64_t int_at(const PgResult& r, int row, int col) { return r.get_int64(row, col).value(); }
std::string str_at(const PgResult& r, int row, int col) { return std::string(r.get(row, col)); }

// $1 units (JSON array), $2 now, $3 max attempts.
constexpr const char* kParkDeliveries =
    "UPDATE deliveries d SET state = 'parked', lease_owner = NULL, lease_until = NULL, parked_at = $2::timestamptz, "
    "parked_reason = 'not acknowledged after ' || d.attempts || ' attempts' FROM cases c "
    "WHERE d.state = 'pending' AND d.receiver = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb))) "
    "AND d.next_attempt_at <= $2::timestamptz AND d.attempts >= $3::int AND c.id = d.case_id "
    "RETURNING d.id, d.case_id, c.type, c.origin, d.receiver, d.parked_reason";

constexpr const char* kParkReplies =
    "UPDATE replies r SET state = 'parked', lease_owner = NULL, lease_until = NULL, "
    "parked_reason = 'reply not acknowledged after ' || r.attempts || ' attempts' FROM cases c "
    "WHERE r.state = 'pending' AND r.recipient = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb))) "
    "AND r.next_attempt_at <= $2::timestamptz AND r.attempts >= $3::int AND c.id = r.case_id "
    "RETURNING r.delivery_id, r.case_id, c.type, r.sender, r.recipient, r.parked_reason, r.id";

// $1 units, $2 now, $3 limit, $4 hub id, $5 initial backoff ms, $6 max backoff ms, $7 multiplier.
constexpr const char* kClaimDeliveries =
    "WITH due AS (SELECT id FROM deliveries WHERE state = 'pending' "
    "  AND receiver = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb))) AND next_attempt_at <= $2::timestamptz "
    "  ORDER BY next_attempt_at LIMIT $3::int FOR UPDATE SKIP LOCKED), "
    "claimed AS (UPDATE deliveries d SET attempts = d.attempts + 1, lease_owner = $4, "
    "  next_attempt_at = $2::timestamptz + least($6::float8, $5::float8 * power($7::float8, d.attempts)) * interval '1 millisecond', "
    "  lease_until = $2::timestamptz + least($6::float8, $5::float8 * power($7::float8, d.attempts)) * interval '1 millisecond' "
    "  FROM due WHERE d.id = due.id RETURNING d.id, d.case_id, d.receiver, d.notice, d.attempts, d.sign_by, "
    "  d.resolve_by, d.detail) "
    "SELECT claimed.id, c.id, claimed.receiver, claimed.notice, claimed.attempts, c.type, c.origin, c.reference, "
    "  c.compound, c.payload::text, coalesce(c.annex::text, ''), "
    "  (extract(epoch FROM claimed.sign_by) * 1000000)::bigint, (extract(epoch FROM claimed.resolve_by) * 1000000)::bigint, "
    "  coalesce(claimed.detail::text, ''), coalesce(c.attachments::text, '') "
    "FROM claimed JOIN cases c ON c.id = claimed.case_id "
    "ORDER BY claimed.id";

constexpr const char* kClaimReplies =
    "WITH due AS (SELECT id FROM replies WHERE state = 'pending' "
    "  AND recipient = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb))) AND next_attempt_at <= $2::timestamptz "
    "  ORDER BY next_attempt_at LIMIT $3::int FOR UPDATE SKIP LOCKED) "
    "UPDATE replies r SET attempts = r.attempts + 1, lease_owner = $4, "
    "  next_attempt_at = $2::timestamptz + least($6::float8, $5::float8 * power($7::float8, r.attempts)) * interval '1 millisecond', "
    "  lease_until = $2::timestamptz + least($6::float8, $5::float8 * power($7::float8, r.attempts)) * interval '1 millisecond' "
    "FROM due, cases c WHERE r.id = due.id AND c.id = r.case_id "
    "RETURNING r.id, r.case_id, r.delivery_id, r.sender, r.recipient, r.final, r.outcome, r.reference, r.body::text, "
    "  r.attempts, c.type, coalesce(r.attachments::text, '')";

constexpr const char* kParkUpdates =
    "UPDATE updates u SET state = 'parked', lease_owner = NULL, lease_until = NULL, parked_at = $2::timestamptz, "
    "parked_reason = 'update not acknowledged after ' || u.attempts || ' attempts' FROM cases c "
    "WHERE u.state = 'pending' AND u.recipient = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb))) "
    "AND u.next_attempt_at <= $2::timestamptz AND u.attempts >= $3::int AND c.id = u.case_id "
    "RETURNING coalesce(u.delivery_id, 0), u.case_id, c.type, u.kind, u.recipient, u.parked_reason, u.id";

constexpr const char* kClaimUpdates =
    "WITH due AS (SELECT id FROM updates WHERE state = 'pending' "
    "  AND recipient = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb))) AND next_attempt_at <= $2::timestamptz "
    "  ORDER BY next_attempt_at LIMIT $3::int FOR UPDATE SKIP LOCKED) "
    "UPDATE updates u SET attempts = u.attempts + 1, lease_owner = $4, "
    "  next_attempt_at = $2::timestamptz + least($6::float8, $5::float8 * power($7::float8, u.attempts)) * interval '1 millisecond', "
    "  lease_until = $2::timestamptz + least($6::float8, $5::float8 * power($7::float8, u.attempts)) * interval '1 millisecond' "
    "FROM due WHERE u.id = due.id RETURNING u.id, u.recipient, u.attempts, u.body::text";

constexpr const char* kAnyPending =
    "SELECT EXISTS (SELECT 1 FROM replies WHERE state = 'pending'), EXISTS (SELECT 1 FROM updates WHERE state = 'pending')";

// $1 units, $2 now: is anything due (to send, or to park) for them? One
// statement outside a transaction, on the same indexes as the claims.
constexpr const char* kAnythingDue =
    "SELECT EXISTS (SELECT 1 FROM deliveries WHERE state = 'pending' "
    "  AND receiver = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb))) AND next_attempt_at <= $2::timestamptz) "
    "OR EXISTS (SELECT 1 FROM replies WHERE state = 'pending' "
    "  AND recipient = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb))) AND next_attempt_at <= $2::timestamptz) "
    "OR EXISTS (SELECT 1 FROM updates WHERE state = 'pending' "
    "  AND recipient = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb))) AND next_attempt_at <= $2::timestamptz)";

std::string local_time_at(const PgResult& r, int row, int col) {
  if (r.is_null(row, col)) return {};
  return to_local_iso8601(TimePoint(std::chrono::microseconds(int_at(r, row, col))));
}

}  // namespace

Result<Claimed> claim_due(PgConnection& db, const ClaimRequest& q) {
  Claimed out;
  if (q.units.empty() && !q.announce) return out;
  const std::string units = text_array(q.units), now = to_iso8601(q.now);
  if (!q.announce) {
    // Most wake-ups find nothing (a tick, another hub's work for its own
    // units): one cheap look instead of a transaction of eight statements.
    auto due = db.exec_params(kAnythingDue, {units, now});
    if (!due.ok()) return due.status();
    if (due->get(0, 0) != "t") return out;
  }
  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.status();
  if (auto r = db.exec("SET LOCAL synchronous_commit TO off"); !r.ok()) return r.status();
  if (q.announce) {
    if (Status s = announce_work(db, q.hub_id); !s.ok()) return s;
  }
  if (q.units.empty()) {
    if (Status s = tx->commit(); !s.ok()) return s;
    return out;
  }
  const std::string max_attempts = std::to_string(q.policy.max_attempts);
  // Replies and updates are few: when none is pending anywhere, their claims
  // (an index probe per online unit each) are skipped.
  auto any = db.exec(kAnyPending);
  if (!any.ok()) return any.status();
  const struct {
    bool replies, updates;
  } pending{any->get(0, 0) == "t", any->get(0, 1) == "t"};

  auto parked = db.exec_params(kParkDeliveries, {units, now, max_attempts});
  if (!parked.ok()) return parked.status();
  for (int r = 0; r < parked->rows(); ++r)
    out.events.push_back({"parked", int_at(*parked, r, 1), int_at(*parked, r, 0), 0, str_at(*parked, r, 2),
                          str_at(*parked, r, 3), str_at(*parked, r, 4), {{"reason", str_at(*parked, r, 5)}}});
  const PgParams claim_params = {units, now, std::to_string(q.limit), q.hub_id,
                                 std::to_string(q.policy.backoff_initial.count()),
                                 std::to_string(q.policy.backoff_max.count()),
                                 std::to_string(q.policy.backoff_multiplier)};
  auto deliveries = db.exec_params(kClaimDeliveries, claim_params);
  if (!deliveries.ok()) return deliveries.status();
  for (int r = 0; r < deliveries->rows(); ++r) {
    protocol::OutgoingDelivery d;
    d.delivery = int_at(*deliveries, r, 0);
    d.case_id = int_at(*deliveries, r, 1);
    d.notice = deliveries->get(r, 3) == "t";
    d.attempt = static_cast<int>(int_at(*deliveries, r, 4));
    d.type = str_at(*deliveries, r, 5);
    d.origin = str_at(*deliveries, r, 6);
    d.reference = str_at(*deliveries, r, 7);
    d.compound = str_at(*deliveries, r, 8);
    d.payload_json = str_at(*deliveries, r, 9);
    d.annex_json = str_at(*deliveries, r, 10);
    d.sign_by = local_time_at(*deliveries, r, 11);
    d.resolve_by = local_time_at(*deliveries, r, 12);
    d.detail_json = str_at(*deliveries, r, 13);
    d.attachments_json = str_at(*deliveries, r, 14);
    const std::string receiver = str_at(*deliveries, r, 2);
    out.events.push_back({d.attempt == 1 ? "delivered" : "redelivered", d.case_id, d.delivery, 0, d.type, d.origin,
                          receiver, {{"attempt", d.attempt}}});
    out.deliveries.emplace_back(receiver, std::move(d));
  }
  if (pending.replies) {
    auto parked_replies = db.exec_params(kParkReplies, {units, now, max_attempts});
    if (!parked_replies.ok()) return parked_replies.status();
    for (int r = 0; r < parked_replies->rows(); ++r)
      out.events.push_back({"parked", int_at(*parked_replies, r, 1), int_at(*parked_replies, r, 0),
                            int_at(*parked_replies, r, 6), str_at(*parked_replies, r, 2), str_at(*parked_replies, r, 3),
                            str_at(*parked_replies, r, 4), {{"reason", str_at(*parked_replies, r, 5)}}});

    auto replies = db.exec_params(kClaimReplies, claim_params);
    if (!replies.ok()) return replies.status();
    for (int r = 0; r < replies->rows(); ++r) {
      protocol::OutgoingReply m;
      m.reply = int_at(*replies, r, 0);
      m.case_id = int_at(*replies, r, 1);
      m.delivery = int_at(*replies, r, 2);
      m.from = str_at(*replies, r, 3);
      m.final = replies->get(r, 5) == "t";
      m.outcome = str_at(*replies, r, 6);
      m.reference = str_at(*replies, r, 7);
      m.body_json = str_at(*replies, r, 8);
      m.attempt = static_cast<int>(int_at(*replies, r, 9));
      m.attachments_json = str_at(*replies, r, 11);
      const std::string recipient = str_at(*replies, r, 4);
      out.events.push_back({"reply_forwarded", m.case_id, m.delivery, m.reply, str_at(*replies, r, 10), m.from,
                            recipient, {{"attempt", m.attempt}}});
      out.replies.emplace_back(recipient, std::move(m));
    }
  }
  if (pending.updates) {
    auto parked_updates = db.exec_params(kParkUpdates, {units, now, max_attempts});
    if (!parked_updates.ok()) return parked_updates.status();
    for (int r = 0; r < parked_updates->rows(); ++r)
      out.events.push_back({"parked", int_at(*parked_updates, r, 1), int_at(*parked_updates, r, 0), 0,
                            str_at(*parked_updates, r, 2), "", str_at(*parked_updates, r, 4),
                            {{"reason", str_at(*parked_updates, r, 5)}, {"update", str_at(*parked_updates, r, 3)},
                             {"update_id", int_at(*parked_updates, r, 6)}}});
    auto updates = db.exec_params(kClaimUpdates, claim_params);
    if (!updates.ok()) return updates.status();
    for (int r = 0; r < updates->rows(); ++r)
      out.updates.emplace_back(str_at(*updates, r, 1),
                               protocol::OutgoingUpdate{int_at(*updates, r, 0), static_cast<int>(int_at(*updates, r, 2)),
                                                        str_at(*updates, r, 3)});
  }
  if (Status s = insert_events(db, out.events, q.now); !s.ok()) return s;
  if (Status s = tx->commit(); !s.ok()) return s;
  return out;
}

Status make_due_now(PgConnection& db, const std::string& unit, TimePoint since) {
  // Due since it was first due (its dispatch or creation): a returning unit's
  // work goes before newer work of the units that stayed, in its own order.
  // With several hubs this is the takeover of what a dead hub had sent.
  const std::string at = to_iso8601(since);
  auto d = db.exec_params(
      "UPDATE deliveries SET next_attempt_at = dispatched_at WHERE state = 'pending' "
      "AND receiver = $1 AND dispatched_at <= $2::timestamptz AND next_attempt_at > dispatched_at",
      {unit, at});
  if (!d.ok()) return d.status();
  auto r = db.exec_params(
      "UPDATE replies SET next_attempt_at = created_at WHERE state = 'pending' "
      "AND recipient = $1 AND created_at <= $2::timestamptz AND next_attempt_at > created_at",
      {unit, at});
  if (!r.ok()) return r.status();
  return db.exec_params(
               "UPDATE updates SET next_attempt_at = created_at WHERE state = 'pending' "
               "AND recipient = $1 AND created_at <= $2::timestamptz AND next_attempt_at > created_at",
               {unit, at})
      .status();
}

}  // namespace hub::store
