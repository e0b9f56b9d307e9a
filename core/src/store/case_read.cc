#include "store/case_read.h"

#include <algorithm>

#include "util/time_parse.h"

namespace hub::store {
namespace {

// Microseconds since the epoch: exact, and read back without parsing a date.
#define US(column) "(extract(epoch FROM " column ") * 1000000)::bigint"

// $1 case, $2 unit. A row only when the unit is party to the case.
constexpr const char* kCase =
    "SELECT c.type, c.origin, c.reference, c.compound, c.payload::text, coalesce(c.annex::text, ''), "
    US("c.created_at") ", coalesce(c.parked_reason, ''), party.receives, coalesce(c.attachments::text, '') "
    "FROM cases c, LATERAL (SELECT EXISTS (SELECT 1 FROM deliveries d WHERE d.case_id = c.id AND d.receiver = $2) "
    "  AS receives) party "
    "WHERE c.id = $1::bigint AND (c.origin = $2 OR party.receives)";

// $1 case, $2 unit, $3 every delivery (else the unit's own), $4 rows: newest first.
constexpr const char* kDeliveries =
    "SELECT d.id, d.receiver, d.notice, d.stage, " US("d.dispatched_at") ", " US("d.acked_at") ", " US("d.sign_by") ", "
    US("d.resolve_by") ", " US("d.signed_at") ", " US("d.resolved_at") ", " US("d.extension_until") ", "
    "coalesce(d.extension_reason, ''), coalesce(d.extension_approver, ''), d.extensions, d.reopens, "
    "d.sign_escalations, d.resolve_escalations, coalesce(d.returned_reason, ''), "
    "coalesce(CASE WHEN jsonb_typeof(d.detail) = 'object' THEN (d.detail #- '{escalation,history}')::text END, '') "
    "FROM deliveries d WHERE d.case_id = $1::bigint AND ($3::boolean OR d.receiver = $2) "
    "ORDER BY d.id DESC LIMIT $4::int";

// $1 case, $2 unit, $3 every reply (else those to the unit's deliveries), $4
// rows, $5 bytes of bodies: newest first, the body NULL (not shown) once the
// bodies so far pass $5, except for the newest reply.
constexpr const char* kReplies =
    "SELECT id, delivery_id, sender, reference, final, outcome, " US("created_at") ", "
    "  CASE WHEN n = 1 OR upto <= $5::bigint THEN body::text END, coalesce(attachments::text, '') "
    "FROM (SELECT r.id, r.delivery_id, r.sender, r.reference, r.final, r.outcome, r.created_at, r.body, r.attachments, "
    "        row_number() OVER newest AS n, sum(octet_length(r.body::text)) OVER newest AS upto "
    "      FROM replies r WHERE r.case_id = $1::bigint AND ($3::boolean OR r.delivery_id IN "
    "        (SELECT d.id FROM deliveries d WHERE d.case_id = $1::bigint AND d.receiver = $2)) "
    "      WINDOW newest AS (ORDER BY r.id DESC) ORDER BY r.id DESC LIMIT $4::int) shown "
    "ORDER BY id DESC";

#undef US

std::string text_at(const PgResult& r, int row, int col) { return std::string(r.get(row, col)); }
std::int64_t id_at(const PgResult& r, int row, int col) { return r.get_int64(row, col).value(); }
int count_at(const PgResult& r, int row, int col) { return static_cast<int>(id_at(r, row, col)); }
bool flag_at(const PgResult& r, int row, int col) { return r.get(row, col) == "t"; }

// A time column as the wire writes it; "" for NULL.
std::string local_time_at(const PgResult& r, int row, int col) {
  if (r.is_null(row, col)) return {};
  return to_local_iso8601(TimePoint(std::chrono::microseconds(id_at(r, row, col))));
}

protocol::DeliveryState delivery_at(const PgResult& r, int row) {
  protocol::DeliveryState d;
  d.delivery = id_at(r, row, 0);
  d.to = text_at(r, row, 1);
  d.notice = flag_at(r, row, 2);
  d.stage = text_at(r, row, 3);
  d.dispatched_at = local_time_at(r, row, 4);
  d.acked_at = local_time_at(r, row, 5);
  d.sign_by = local_time_at(r, row, 6);
  d.resolve_by = local_time_at(r, row, 7);
  d.signed_at = local_time_at(r, row, 8);
  d.resolved_at = local_time_at(r, row, 9);
  d.extension_until = local_time_at(r, row, 10);
  d.extension_reason = text_at(r, row, 11);
  d.extension_approver = text_at(r, row, 12);
  d.extensions = count_at(r, row, 13);
  d.reopens = count_at(r, row, 14);
  d.sign_escalations = count_at(r, row, 15);
  d.resolve_escalations = count_at(r, row, 16);
  d.return_reason = text_at(r, row, 17);
  d.detail_json = text_at(r, row, 18);
  return d;
}

protocol::ReplyState reply_at(const PgResult& r, int row) {
  protocol::ReplyState m;
  m.reply = id_at(r, row, 0);
  m.delivery = id_at(r, row, 1);
  m.from = text_at(r, row, 2);
  m.reference = text_at(r, row, 3);
  m.final = flag_at(r, row, 4);
  m.outcome = text_at(r, row, 5);
  m.at = local_time_at(r, row, 6);
  m.body_json = text_at(r, row, 7);
  m.attachments_json = text_at(r, row, 8);
  return m;
}

}  // namespace

Result<std::optional<protocol::CaseState>> read_case(PgConnection& db, std::int64_t case_id, const std::string& unit,
                                                     const CaseReadLimits& limits) {
  auto tx = Transaction::begin(db, Transaction::Isolation::kRepeatableRead);
  if (!tx.ok()) return tx.status();
  if (auto r = db.exec("SET TRANSACTION READ ONLY"); !r.ok()) return r.status();
  const std::string id = std::to_string(case_id);
  auto found = db.exec_params(kCase, {id, unit});
  if (!found.ok()) return found.status();
  if (found->rows() == 0) return std::optional<protocol::CaseState>();

  protocol::CaseState c;
  c.case_id = case_id;
  c.type = text_at(*found, 0, 0);
  c.origin = text_at(*found, 0, 1);
  c.reference = text_at(*found, 0, 2);
  c.compound = text_at(*found, 0, 3);
  c.payload_json = text_at(*found, 0, 4);
  c.attachments_json = text_at(*found, 0, 9);
  c.created_at = local_time_at(*found, 0, 6);
  const bool originator = c.origin == unit, receiver = flag_at(*found, 0, 8);
  if (receiver) c.annex_json = text_at(*found, 0, 5);
  if (originator) c.parked_reason = text_at(*found, 0, 7);
  const std::string every = originator ? "true" : "false";

  // One row more than shown tells whether older ones were left out.
  auto deliveries = db.exec_params(kDeliveries, {id, unit, every, std::to_string(limits.deliveries + 1)});
  if (!deliveries.ok()) return deliveries.status();
  for (int r = 0; r < deliveries->rows(); ++r) {
    if (r == limits.deliveries) {
      c.deliveries_truncated = true;
      break;
    }
    c.deliveries.push_back(delivery_at(*deliveries, r));
  }
  std::reverse(c.deliveries.begin(), c.deliveries.end());

  auto replies = db.exec_params(kReplies, {id, unit, every, std::to_string(limits.replies + 1),
                                           std::to_string(limits.reply_bytes)});
  if (!replies.ok()) return replies.status();
  for (int r = 0; r < replies->rows(); ++r) {
    if (r == limits.replies || replies->is_null(r, 7)) {
      c.replies_truncated = true;
      break;
    }
    c.replies.push_back(reply_at(*replies, r));
  }
  std::reverse(c.replies.begin(), c.replies.end());
  if (Status s = tx->commit(); !s.ok()) return s;
  return std::optional<protocol::CaseState>(std::move(c));
}

}  // namespace hub::store
