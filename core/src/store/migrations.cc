#include "store/migrations.h"

#include <string>
#include <vector>

#include <spdlog/spdlog.h>

namespace hub::store {
namespace {

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

// Times are always passed in by the hub (its injectable clock), never now().
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1, "cases, deliveries, replies, events, plugin state, timers, hook tasks, directory overrides", R"SQL(
CREATE TABLE cases (
  id            bigserial PRIMARY KEY,
  origin        text NOT NULL,
  reference     text NOT NULL,
  type          text NOT NULL,
  compound      text NOT NULL DEFAULT '',
  payload       jsonb NOT NULL,
  route         text,                  -- id of the route that decided; NULL when parked
  parked_reason text,                  -- set when no route could be applied
  created_at    timestamptz NOT NULL,
  UNIQUE (origin, reference)           -- the idempotency key
);
CREATE INDEX cases_parked ON cases (id) WHERE parked_reason IS NOT NULL;

-- One case to one receiver. Claimed for sending with FOR UPDATE SKIP LOCKED.
CREATE TABLE deliveries (
  id              bigserial PRIMARY KEY,
  case_id         bigint NOT NULL REFERENCES cases (id),
  receiver        text NOT NULL,
  notice          boolean NOT NULL,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'acked', 'parked')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  lease_owner     text,
  lease_until     timestamptz,
  dispatched_at   timestamptz NOT NULL,
  acked_at        timestamptz,
  parked_reason   text,
  sign_by         timestamptz,
  resolve_by      timestamptz,
  signed_at       timestamptz,
  resolved_at     timestamptz
);
CREATE INDEX deliveries_due ON deliveries (receiver, next_attempt_at) WHERE state = 'pending';
CREATE INDEX deliveries_case ON deliveries (case_id);
CREATE INDEX deliveries_parked ON deliveries (id) WHERE state = 'parked';

-- A receiver's message about its delivery, and its forwarding to the originator.
CREATE TABLE replies (
  id              bigserial PRIMARY KEY,
  delivery_id     bigint NOT NULL REFERENCES deliveries (id),
  case_id         bigint NOT NULL REFERENCES cases (id),
  sender          text NOT NULL,
  reference       text NOT NULL,
  final           boolean NOT NULL,
  outcome         text NOT NULL DEFAULT '',
  body            jsonb NOT NULL,
  created_at      timestamptz NOT NULL,
  recipient       text NOT NULL,       -- the case's originator
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'acked', 'parked')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  lease_owner     text,
  lease_until     timestamptz,
  acked_at        timestamptz,
  parked_reason   text,
  UNIQUE (delivery_id, reference)
);
CREATE INDEX replies_due ON replies (recipient, next_attempt_at) WHERE state = 'pending';
CREATE INDEX replies_case ON replies (case_id);

-- The routing log. Rows are written in the transaction of the change they record.
CREATE TABLE events (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL,
  kind        text NOT NULL,
  case_id     bigint,
  delivery_id bigint,
  reply_id    bigint,
  case_type   text NOT NULL DEFAULT '',
  from_unit   text NOT NULL DEFAULT '',
  to_unit     text NOT NULL DEFAULT '',
  detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX events_case ON events (case_id);

-- Plugins keep their state here (case_id 0: plugin-wide).
CREATE TABLE plugin_state (
  plugin     text NOT NULL,
  case_id    bigint NOT NULL,
  key        text NOT NULL,
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (plugin, case_id, key)
);

CREATE TABLE timers (
  plugin  text NOT NULL,
  case_id bigint NOT NULL REFERENCES cases (id),
  name    text NOT NULL,
  due_at  timestamptz NOT NULL,
  data    jsonb NOT NULL,
  PRIMARY KEY (plugin, case_id, name)
);
CREATE INDEX timers_due ON timers (due_at);

-- After-commit plugin work. The attempt is recorded before the hook runs, so a
-- hook that crashes the process is parked after max attempts, not retried forever.
CREATE TABLE hook_tasks (
  id              bigserial PRIMARY KEY,
  case_id         bigint NOT NULL REFERENCES cases (id),
  plugin          text NOT NULL,
  hook            text NOT NULL CHECK (hook IN ('accepted', 'reply', 'timer')),
  reply_id        bigint,
  timer_name      text,
  timer_data      jsonb,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'parked')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  lease_owner     text,
  lease_until     timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL
);
CREATE INDEX hook_tasks_due ON hook_tasks (next_attempt_at) WHERE state = 'pending';

-- Changes to the compound directory made by cases, dated, on top of the config files.
CREATE TABLE directory_overrides (
  id             bigserial PRIMARY KEY,
  compound       text NOT NULL,
  field          text NOT NULL,
  value          text NOT NULL,
  effective_from timestamptz NOT NULL,
  case_id        bigint REFERENCES cases (id),
  created_at     timestamptz NOT NULL
);
)SQL"},
      {2, "case annex written by the owning plugin; deliveries held until it is attached", R"SQL(
ALTER TABLE cases ADD COLUMN annex jsonb;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_state_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_state_check CHECK (state IN ('held', 'pending', 'acked', 'parked'));
CREATE INDEX deliveries_held ON deliveries (case_id) WHERE state = 'held';
)SQL"},
      {3, "case lifecycle: delivery stages, deadlines watched, extension requests, updates to units", R"SQL(
-- The lifecycle stage of a delivery (its transport state is `state`).
ALTER TABLE deliveries
  ADD COLUMN stage text NOT NULL DEFAULT 'dispatched'
    CHECK (stage IN ('notice', 'dispatched', 'signed', 'in_progress', 'resolved', 'closed', 'returned')),
  ADD COLUMN detail jsonb,                       -- why it exists beyond its route: {"returned": ...} or {"escalation": ...}
  ADD COLUMN resolve_from timestamptz,           -- start of the resolve period: dispatch, or the last reopening
  ADD COLUMN extension_until timestamptz,        -- a pending extension request ...
  ADD COLUMN extension_reason text,
  ADD COLUMN extension_approver text,            -- ... and the unit that decides it
  ADD COLUMN extensions integer NOT NULL DEFAULT 0,  -- extensions granted
  ADD COLUMN reopens integer NOT NULL DEFAULT 0,
  ADD COLUMN returned_reason text,
  ADD COLUMN sign_reminded boolean NOT NULL DEFAULT false,
  ADD COLUMN resolve_reminded boolean NOT NULL DEFAULT false,
  ADD COLUMN sign_escalations integer NOT NULL DEFAULT 0,     -- escalation levels fired for the sign deadline
  ADD COLUMN resolve_escalations integer NOT NULL DEFAULT 0,
  ADD COLUMN watch_at timestamptz;               -- when the next reminder or escalation step is due; NULL: none
UPDATE deliveries SET stage = CASE WHEN notice THEN 'notice' WHEN resolved_at IS NOT NULL THEN 'resolved' ELSE 'dispatched' END;
CREATE INDEX deliveries_watch ON deliveries (watch_at) WHERE watch_at IS NOT NULL;

-- Messages to units other than deliveries and forwarded replies: state changes
-- of a case (to its originator, and to its receiver when someone else changed
-- it), reminders, extension requests. Sent until acked, like replies.
CREATE TABLE updates (
  id              bigserial PRIMARY KEY,
  recipient       text NOT NULL,
  case_id         bigint NOT NULL REFERENCES cases (id),
  delivery_id     bigint REFERENCES deliveries (id),
  kind            text NOT NULL,               -- the message kind on the wire: state, reminder, extension_request
  body            jsonb NOT NULL,
  created_at      timestamptz NOT NULL,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'acked', 'parked')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  lease_owner     text,
  lease_until     timestamptz,
  acked_at        timestamptz,
  parked_reason   text
);
CREATE INDEX updates_due ON updates (recipient, next_attempt_at) WHERE state = 'pending';
CREATE INDEX updates_case ON updates (case_id);

-- Lifecycle requests by their sender's reference: a resend gets the first answer.
CREATE TABLE lifecycle_requests (
  unit       text NOT NULL,
  reference  text NOT NULL,
  kind       text NOT NULL,
  case_id    bigint NOT NULL,
  answer     jsonb NOT NULL,               -- [{"delivery": id, "stage": ...}] as first answered
  created_at timestamptz NOT NULL,
  PRIMARY KEY (unit, reference)
);
)SQL"},
      {4, "hook attempts that never finished are counted: a hook that crashes the hub is parked as poison", R"SQL(
-- running: an attempt was claimed and has not recorded its end (done or
-- failed). Found still set when the task is claimed again, the hub stopped
-- while the hook ran: counted in interrupted.
ALTER TABLE hook_tasks ADD COLUMN running boolean NOT NULL DEFAULT false;
ALTER TABLE hook_tasks ADD COLUMN interrupted integer NOT NULL DEFAULT 0;
)SQL"},
      {5, "when parked work was parked, for the operators' filters", R"SQL(
-- Set when the hub gives up on the row (or, for a case, finds no unit to take
-- it); cleared when an operator replays it.
ALTER TABLE cases ADD COLUMN parked_at timestamptz;
ALTER TABLE deliveries ADD COLUMN parked_at timestamptz;
ALTER TABLE updates ADD COLUMN parked_at timestamptz;
ALTER TABLE hook_tasks ADD COLUMN parked_at timestamptz;
-- Work parked before this version: the time of its latest 'parked' event,
-- else the last time the store knows for it.
UPDATE cases c SET parked_at = coalesce((SELECT max(e.at) FROM events e WHERE e.case_id = c.id AND e.kind = 'parked'
  AND e.to_unit = '' AND NOT e.detail ? 'hook_task'), c.created_at) WHERE c.parked_reason IS NOT NULL;
UPDATE deliveries d SET parked_at = coalesce((SELECT max(e.at) FROM events e WHERE e.case_id = d.case_id
  AND e.delivery_id = d.id AND e.kind = 'parked' AND e.to_unit = d.receiver), d.next_attempt_at) WHERE d.state = 'parked';
UPDATE updates u SET parked_at = coalesce((SELECT max(e.at) FROM events e WHERE e.case_id = u.case_id
  AND e.kind = 'parked' AND e.to_unit = u.recipient AND e.detail->>'update' = u.kind), u.next_attempt_at)
  WHERE u.state = 'parked';
UPDATE hook_tasks t SET parked_at = coalesce((SELECT max(e.at) FROM events e WHERE e.case_id = t.case_id
  AND e.kind = 'parked' AND e.detail->>'hook_task' = t.id::text), t.next_attempt_at) WHERE t.state = 'parked';
CREATE INDEX updates_parked ON updates (id) WHERE state = 'parked';
CREATE INDEX hook_tasks_parked ON hook_tasks (id) WHERE state = 'parked';
)SQL"},
      {6, "deliveries keep their case by the hub's writes, not by a foreign-key check per row", R"SQL(
-- The check cost a third of each delivery insert (a lookup and a row lock on
-- its case: the hottest write of the hub). Deliveries are only ever written
-- in the transaction that inserts their case, or after reading it, and cases
-- are never deleted, so the key cannot dangle. Less frequent rows (replies,
-- updates, hook tasks, timers) keep their checks.
ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_case_id_fkey;
)SQL"},
      {7, "plugin state is written compare-and-set; a plugin's \"retry later\" is counted apart from failures", R"SQL(
-- 1 when first written, one more at each write; an absent key counts as 0. A
-- hook's effects commit only if every key it read still has the version it
-- read (store/plugin_state.h).
ALTER TABLE plugin_state ADD COLUMN version bigint NOT NULL DEFAULT 1;
-- A hook that answered "retry": how many times, and since when (the bounds of
-- retrying). Failed attempts stay in attempts; cleared by a replay.
ALTER TABLE hook_tasks ADD COLUMN retries integer NOT NULL DEFAULT 0;
ALTER TABLE hook_tasks ADD COLUMN retry_since timestamptz;
)SQL"},
      {8, "units disabled by an operator", R"SQL(
-- One row per unit an operator ever disabled (store/unit_status.h). Enabling
-- it again updates the row rather than deleting it, so the hub's runtime role
-- needs no DELETE here; who did what and when is in the events. Every hub
-- keeps the set of disabled units in memory: loaded at start and again when
-- any hub announces a change (NOTIFY xinhui_units).
CREATE TABLE unit_status (
  unit       text PRIMARY KEY,
  disabled   boolean NOT NULL,
  changed_at timestamptz NOT NULL,   -- when it was last disabled or enabled
  changed_by text NOT NULL,          -- the operator, as the kernel named them
  reason     text NOT NULL DEFAULT '' -- the operator's reason for disabling; '' once enabled
);
CREATE INDEX unit_status_disabled ON unit_status (unit) WHERE disabled;
)SQL"},
      {9, "units' credentials for signed HTTP requests and client certificates, and the nonces seen", R"SQL(
-- One row per credential the hub issued or an operator registered
-- (store/unit_credentials.h). Never deleted: a revoked or expired credential
-- keeps its row, so its key id is never reused and the history stays.
CREATE TABLE unit_credentials (
  key_id      text PRIMARY KEY,        -- "xk_..." (secret) or "xc_..." (certificate)
  unit        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('hmac', 'certificate')),
  secret      bytea,                   -- hmac: the secret sealed with the master key file's key
  fingerprint text,                    -- certificate: SHA-256 of its DER, lower-case hex
  created_at  timestamptz NOT NULL,
  not_after   timestamptz,             -- NULL: no end; set by a rotation's grace period
  revoked_at  timestamptz,
  issued_by   text NOT NULL,           -- the operator, as the kernel named them
  revoked_by  text,
  CHECK ((kind = 'hmac') = (secret IS NOT NULL AND fingerprint IS NULL)),
  CHECK ((kind = 'certificate') = (fingerprint IS NOT NULL AND secret IS NULL))
);
CREATE INDEX unit_credentials_unit ON unit_credentials (unit);
-- A certificate maps to one unit at a time.
CREATE UNIQUE INDEX unit_credentials_fingerprint ON unit_credentials (fingerprint) WHERE revoked_at IS NULL;

-- The nonces of signed requests, per key, while a replay could still pass
-- the timestamp check; rows older than twice the clock-skew window are
-- deleted in bounded passes (store/request_nonces.h). Logged, inserted with
-- synchronous_commit off (docs/ARCHITECTURE.md, "Credentials of HTTP units").
CREATE TABLE credential_nonces (
  key_id  text NOT NULL,
  nonce   text NOT NULL,
  seen_at timestamptz NOT NULL,
  PRIMARY KEY (key_id, nonce)
);
CREATE INDEX credential_nonces_seen ON credential_nonces (seen_at);

-- One sealed known text: a hub whose master key file differs from the one
-- this database's secrets were sealed with refuses to start (bus/hub.cc).
CREATE TABLE credential_key_check (
  id     integer PRIMARY KEY CHECK (id = 1),
  sealed bytea NOT NULL
);
)SQL"},
      {10, "attachments: files stored by their SHA-256, who uploaded them, which cases and replies name them", R"SQL(
-- A file's bytes, once, whoever uploaded them (store/attachments.h). Its
-- chunks are the parts of the upload that stored it, at their offsets.
CREATE TABLE attachment_blobs (
  sha256    text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size      bigint NOT NULL CHECK (size > 0),
  stored_at timestamptz NOT NULL
);
CREATE TABLE attachment_chunks (
  sha256   text NOT NULL REFERENCES attachment_blobs (sha256) ON DELETE CASCADE,
  "offset" bigint NOT NULL,
  data     bytea NOT NULL,
  PRIMARY KEY (sha256, "offset")
);
-- Photos, PDFs and packages do not compress: stored out of line as they are.
ALTER TABLE attachment_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- Each unit's finished uploads: a unit names in its messages only files it
-- uploaded itself, with the media type it declared and the hub checked.
CREATE TABLE attachment_uploads (
  unit        text NOT NULL,
  sha256      text NOT NULL REFERENCES attachment_blobs (sha256),
  media_type  text NOT NULL,
  uploaded_at timestamptz NOT NULL,
  PRIMARY KEY (unit, sha256)
);
CREATE INDEX attachment_uploads_sha256 ON attachment_uploads (sha256);

-- Which case or reply (reply_id 0: the case itself) names which file, and
-- the unit that named it. Never deleted: a named file is kept.
CREATE TABLE attachment_refs (
  sha256   text NOT NULL REFERENCES attachment_blobs (sha256),
  unit     text NOT NULL,
  case_id  bigint NOT NULL REFERENCES cases (id),
  reply_id bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (sha256, unit, case_id, reply_id)
);

-- Uploads under way: their parts as they came, until the last one arrives.
CREATE TABLE upload_parts (
  unit        text NOT NULL,
  sha256      text NOT NULL,
  size        bigint NOT NULL,
  media_type  text NOT NULL,
  "offset"    bigint NOT NULL,
  data        bytea NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (unit, sha256, "offset")
);
ALTER TABLE upload_parts ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE INDEX upload_parts_received ON upload_parts (received_at);

-- What a case or reply carries: [{sha256, name, label, type, size}, ...]; NULL: nothing.
ALTER TABLE cases ADD COLUMN attachments jsonb;
ALTER TABLE replies ADD COLUMN attachments jsonb;
)SQL"},
  };
  return all;
}

}  // namespace

Result<int> migrate(PgConnection& db) {
  // One hub at a time; the lock ends with each transaction. The bookkeeping
  // table is created under the same lock: two sessions running CREATE TABLE IF
  // NOT EXISTS at once can both miss the table and one then fails on a unique
  // index of the catalog.
  auto r = db.exec(
      "BEGIN; SELECT pg_advisory_xact_lock(7750001); "
      "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, description text NOT NULL, "
      "applied_at timestamptz NOT NULL DEFAULT now()); COMMIT");
  if (!r.ok()) {
    (void)db.exec("ROLLBACK");
    return r.status();
  }
  int reached = 0;
  for (const auto& m : migrations()) {
    if (auto b = db.exec("BEGIN"); !b.ok()) return b.status();
    auto locked = db.exec("SELECT pg_advisory_xact_lock(7750001)");
    auto done = db.exec_params("SELECT 1 FROM schema_migrations WHERE version = $1", {std::to_string(m.version)});
    if (!locked.ok() || !done.ok()) {
      (void)db.exec("ROLLBACK");
      return locked.ok() ? done.status() : locked.status();
    }
    if (done->rows() == 0) {
      Status applied = db.exec(m.sql).status();
      if (applied.ok())
        applied = db.exec_params("INSERT INTO schema_migrations (version, description) VALUES ($1, $2)",
                                 {std::to_string(m.version), std::string(m.description)})
                      .status();
      if (!applied.ok()) {
        (void)db.exec("ROLLBACK");
        return Status(applied.code(), "schema migration " + std::to_string(m.version) + " failed: " + applied.message());
      }
      spdlog::info("store: applied schema migration {} ({})", m.version, m.description);
    }
    if (auto c = db.exec("COMMIT"); !c.ok()) return c.status();
    reached = m.version;
  }
  return reached;
}

}  // namespace hub::store
