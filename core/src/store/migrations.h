// store/migrations.h: the versioned schema.
//
// Migrations are applied in order at start, each in its own transaction,
// recorded in schema_migrations. A migration, once released, never changes:
// add a new one. Safe to run from several hubs at once (an advisory lock
// serialises them).
#pragma once

#include "store/pg.h"

namespace hub::store {

// Applies every migration not yet recorded. Returns the schema version reached.
Result<int> migrate(PgConnection& db);

}  // namespace hub::store
