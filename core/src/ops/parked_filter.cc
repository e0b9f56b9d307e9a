#include "ops/parked_filter.h"

#include "ops/query_rows.h"
#include "util/time_format.h"
#include "util/time_parse.h"

namespace hub::ops {
namespace {

// The fixed SQL of one kind. Every table is joined to its case as `c`.
struct KindSql {
  const char* columns;    // the listing's columns
  const char* from;       // FROM ... WHERE <the row is parked>
  const char* id;         // the row's id
  const char* unit;       // the condition on $1
  const char* reason;     // why it is parked
  const char* parked_at;  // when
};

const KindSql& sql_of(ParkedKind kind) {
  static const KindSql delivery{
      "d.id AS delivery, d.case_id AS case, c.type, c.origin, d.receiver, d.notice, d.attempts, d.parked_reason",
      "deliveries d JOIN cases c ON c.id = d.case_id WHERE d.state = 'parked'", "d.id",
      "d.receiver = $1::text OR c.origin = $1::text", "d.parked_reason", "d.parked_at"};
  static const KindSql a_case{
      "c.id AS case, c.type, c.origin, c.reference, c.compound, c.parked_reason",
      "cases c WHERE c.parked_reason IS NOT NULL", "c.id",
      "c.origin = $1::text OR EXISTS (SELECT 1 FROM deliveries r WHERE r.case_id = c.id AND r.stage = 'returned' "
      "AND r.receiver = $1::text)",
      "c.parked_reason", "c.parked_at"};
  static const KindSql update{
      "u.id AS update, u.case_id AS case, c.type, c.origin, u.kind, u.recipient, u.delivery_id AS delivery, u.attempts, "
      "u.parked_reason",
      "updates u JOIN cases c ON c.id = u.case_id WHERE u.state = 'parked'", "u.id",
      "u.recipient = $1::text OR c.origin = $1::text", "u.parked_reason", "u.parked_at"};
  static const KindSql hook{
      "t.id AS hook_task, t.case_id AS case, c.type, c.origin, t.plugin, t.hook, t.attempts, t.last_error",
      "hook_tasks t JOIN cases c ON c.id = t.case_id WHERE t.state = 'parked'", "t.id", "c.origin = $1::text",
      "t.last_error", "t.parked_at"};
  switch (kind) {
    case ParkedKind::kDelivery: return delivery;
    case ParkedKind::kCase: return a_case;
    case ParkedKind::kUpdate: return update;
    case ParkedKind::kHook: return hook;
  }
  return delivery;
}

// A filter argument: absent, or a non-empty string.
Status text_filter(const Json& args, const char* key, std::optional<std::string>& out) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return {};
  if (!it->is_string() || it->get<std::string>().empty())
    return Status::InvalidArgument(std::string("\"") + key + "\" must be a non-empty string");
  out = it->get<std::string>();
  return {};
}

}  // namespace

std::optional<ParkedKind> parked_kind(std::string_view name) {
  if (name == "delivery" || name == "deliveries") return ParkedKind::kDelivery;
  if (name == "case" || name == "cases") return ParkedKind::kCase;
  if (name == "update" || name == "updates") return ParkedKind::kUpdate;
  if (name == "hook" || name == "hooks" || name == "hook_task" || name == "hook-task") return ParkedKind::kHook;
  return std::nullopt;
}

const char* list_key(ParkedKind kind) {
  switch (kind) {
    case ParkedKind::kDelivery: return "deliveries";
    case ParkedKind::kCase: return "cases";
    case ParkedKind::kUpdate: return "updates";
    case ParkedKind::kHook: return "hooks";
  }
  return "";
}

const char* id_key(ParkedKind kind) {
  switch (kind) {
    case ParkedKind::kDelivery: return "delivery";
    case ParkedKind::kCase: return "case";
    case ParkedKind::kUpdate: return "update";
    case ParkedKind::kHook: return "hook_task";
  }
  return "";
}

Result<ParkedFilter> read_parked_filter(const Json& args) {
  ParkedFilter f;
  std::optional<std::string> what, since, until;
  const std::pair<const char*, std::optional<std::string>*> texts[] = {
      {"what", &what}, {"unit", &f.unit}, {"type", &f.type}, {"reason", &f.reason}, {"since", &since}, {"until", &until}};
  for (const auto& [key, out] : texts)
    if (Status s = text_filter(args, key, *out); !s.ok()) return s;
  if (what) {
    const auto kind = parked_kind(*what);
    if (!kind) return Status::InvalidArgument("--what must be deliveries, cases, updates or hooks, not '" + *what + "'");
    f.kinds = {*kind};
  } else {
    f.kinds = {ParkedKind::kDelivery, ParkedKind::kCase, ParkedKind::kUpdate, ParkedKind::kHook};
  }
  const char* times = "a local date (2026-12-03) or time (2026-12-03T18:00, 2026-12-03 18:00:05)";
  if (since && !(f.since = parse_operator_time(*since)))
    return Status::InvalidArgument("--since '" + *since + "' is not " + times);
  if (until && !(f.until = parse_operator_time(*until, true)))
    return Status::InvalidArgument("--until '" + *until + "' is not " + times);
  if (f.since && f.until && *f.until <= *f.since) return Status::InvalidArgument("--until is not after --since");
  f.narrows = what || f.unit || f.type || f.reason || f.since || f.until;
  return f;
}

std::string parked_select(ParkedKind kind) {
  const KindSql& k = sql_of(kind);
  const std::string id = k.id, at = k.parked_at;
  return std::string("SELECT ") + k.columns + ", " + local_seconds(k.parked_at) +
         " AS parked_at, count(*) OVER () AS matching FROM " + k.from + " AND ($1::text IS NULL OR " + k.unit +
         ") AND ($2::text IS NULL OR c.type = $2::text) AND ($3::text IS NULL OR strpos(lower(coalesce(" + k.reason +
         ", '')), lower($3::text)) > 0) AND ($4::timestamptz IS NULL OR " + at +
         " >= $4::timestamptz) AND ($5::timestamptz IS NULL OR " + at + " < $5::timestamptz) AND " + id +
         " > $6::bigint AND ($8::bigint IS NULL OR " + id + " = $8::bigint) ORDER BY " + id + " LIMIT $7::int";
}

store::PgParams parked_params(const ParkedFilter& f, std::int64_t after, std::int64_t limit,
                              std::optional<std::int64_t> only) {
  auto time = [](const std::optional<TimePoint>& t) -> std::optional<std::string> {
    if (!t) return std::nullopt;
    return to_iso8601(*t);
  };
  return {f.unit, f.type, f.reason, time(f.since), time(f.until), std::to_string(after), std::to_string(limit),
          only ? std::optional<std::string>(std::to_string(*only)) : std::nullopt};
}

}  // namespace hub::ops
