// store/request_nonces.h: the nonces of signed requests already seen, per key
// id (table credential_nonces), so that a request cannot be played twice.
//
// A nonce is recorded only after its request's signature verified. Rows are
// kept while a replay could still pass the timestamp check (twice the clock
// skew window) and deleted in bounded passes. The table is logged; the hub
// inserts with synchronous_commit off on its credential connections
// (docs/ARCHITECTURE.md, "Credentials of HTTP units", says what a database
// crash can allow).
// Functions are stateless; each uses only the connection it is given.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "hub/clock.h"
#include "store/pg.h"

namespace hub::store {

// Records `nonce` for `key_id` at `now`: true when it was not seen before,
// false when it was (a replay). Safe against concurrent calls from any hub:
// exactly one of them gets true.
Result<bool> record_nonce(PgConnection& db, const std::string& key_id, const std::string& nonce, TimePoint now);

// Records each (key id, nonce) of `nonces` (distinct pairs) at `now`, in one
// statement; element i of the answer is true when pair i was new, false when
// it was seen before. Concurrent calls never deadlock: the pairs are inserted
// in sorted order.
Result<std::vector<bool>> record_nonces(PgConnection& db, const std::vector<std::pair<std::string, std::string>>& nonces,
                                        TimePoint now);

// Deletes at most `max_rows` nonces seen before `before`; returns how many.
Result<std::int64_t> delete_nonces_before(PgConnection& db, TimePoint before, std::int64_t max_rows);

}  // namespace hub::store
