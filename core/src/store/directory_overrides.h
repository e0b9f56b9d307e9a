// store/directory_overrides.h: dated changes of the compound directory.
//
// Cases change who serves a compound (a company's exit, temporary custody, a
// successor). Each change is a row with the date it takes effect, written in
// the transaction of the hook that made it; the directory the router uses is
// the config files' with every change effective at "now" applied in order.
#pragma once

#include <string>
#include <vector>

#include "hub/case.h"
#include "store/pg.h"

namespace hub::store {

struct DirectoryChange {
  std::string compound;
  std::string field;  // "company" or "custodian"
  std::string unit;   // "" clears the field
  TimePoint effective_from;
};

// REQUIRES: inside the caller's transaction.
Status insert_directory_changes(PgConnection& db, const std::vector<DirectoryChange>& changes, CaseId case_id,
                                TimePoint now);

// Every change effective at `now`, in the order they apply (later wins).
Result<std::vector<DirectoryChange>> effective_directory_changes(PgConnection& db, TimePoint now);

// Changes as the count and last id of those effective at `now`: equal
// fingerprints mean the effective directory has not changed.
Result<std::string> directory_fingerprint(PgConnection& db, TimePoint now);

}  // namespace hub::store
