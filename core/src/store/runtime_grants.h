// store/runtime_grants.h: the rights of the runtime role, the role every
// worker thread of the hub connects as when the schema has an owner of its own.
//
// The runtime role reads and writes rows and nothing more: no DDL, owns
// nothing. Per table (kRuntimeTableRights):
//   - SELECT, INSERT, UPDATE on the tables of the hub's work;
//   - DELETE only on timers (a fired or cancelled timer is deleted) and on
//     credential_nonces (old nonces are deleted; never updated), and on the
//     attachments' tables but their references (unused uploads are removed);
//   - SELECT, INSERT on events: the history is never rewritten;
//   - SELECT on schema_migrations;
// and USAGE on every sequence of schema public. Default privileges give a
// table a later migration creates SELECT, INSERT, UPDATE (and its sequences
// USAGE) until it is listed here; listing every table is checked by a test.
//
// Thread-safety: the functions use only the connection they are given.
#pragma once

#include <string>
#include <vector>

#include "store/pg.h"

namespace hub::store {

struct TableRights {
  const char* table;
  const char* rights;  // as in GRANT, e.g. "SELECT, INSERT"
};

// Every table of the schema migrate() makes, with the runtime role's rights.
const std::vector<TableRights>& runtime_table_rights();

// Gives `role` exactly runtime_table_rights() (taking away anything else it
// held on those tables), USAGE on the sequences, and the default privileges
// for tables `owner`'s role creates later. `owner` is connected as the role
// owning the schema, after migrate(). Idempotent; serialised with migrations.
Status grant_runtime_role(PgConnection& owner, const std::string& role);

// When `runtime_conninfo` logs in as another role than `owner`'s, grants
// that role its rights (grant_runtime_role) and returns its name; returns ""
// when both are the same role (a database set up with one role).
Result<std::string> grant_runtime_rights(PgConnection& owner, const std::string& runtime_conninfo);

}  // namespace hub::store
