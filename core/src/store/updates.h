// store/updates.h: messages to units besides deliveries and forwarded
// replies — state changes, reminders, extension requests — queued in the
// `updates` table and sent until acked (store/dispatch_claims.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hub/case.h"
#include "store/pg.h"

namespace hub::store {

struct NewUpdate {
  std::string recipient;
  CaseId case_id = 0;
  std::int64_t delivery_id = 0;  // 0: none
  Json body;                     // the message: {"kind": "state" | "reminder" | "extension_request", ...}
};

// REQUIRES: inside the caller's transaction. Recipients named "plugin:<name>"
// are skipped: a plugin has no connection to send to.
Status insert_updates(PgConnection& db, const std::vector<NewUpdate>& updates, TimePoint now);

}  // namespace hub::store
