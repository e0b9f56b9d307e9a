// store/plugin_state.h: plugins' state, written compare-and-set.
//
// Each row (plugin, case_id, key; case_id 0 is plugin-wide) carries a version:
// 1 when first written, one more at every write; an absent key is version 0.
// A hook records the version of each key it reads (hooks/hook_context.h), and
// its writes commit only if every key it read still has that version. Keys
// written without being read are written as given.
//
// The check and the writes run in the caller's transaction under a
// transaction-scoped advisory lock per key read or written, taken in one
// order (so two writers never deadlock on them): no other hook's commit can
// change those keys between the check and the commit, including keys that
// were absent. The locks end with the transaction.
#pragma once

#include <string>
#include <vector>

#include "store/hook_effects.h"
#include "store/pg.h"

namespace hub::store {

// REQUIRES: inside the caller's transaction. Checks the versions `effects`
// read and writes its state for `plugin` (per-case keys under `case_id`).
// Returns the keys another writer changed since they were read, as
// "case <id> '<key>'" or "plugin-wide '<key>'"; empty: the state is written.
// When not empty nothing was written, and the caller rolls back.
Result<std::vector<std::string>> write_plugin_state(PgConnection& db, const std::string& plugin, CaseId case_id,
                                                    const HookEffects& effects, TimePoint now);

}  // namespace hub::store
