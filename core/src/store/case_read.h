// store/case_read.h: one case as a unit may read it (protocol "read").
//
// A unit is party to a case when it originated it or receives any delivery of
// it (deliveries, notices and escalation notices alike). The originator reads
// every delivery and reply of the case; a receiver reads the case, its own
// deliveries and the replies to them, never another receiver's. The annex
// (what the hub attached for receivers) is shown to receivers; why a case is
// parked, to its originator.
//
// Bounded: the newest `deliveries` deliveries and the newest `replies` replies
// the reader may see, the replies also within `reply_bytes` of bodies in all
// (the newest reply is always shown), each list in id order and flagged
// truncated when older rows were left out. An escalation notice's copy of the
// case's history is not repeated.
//
// One snapshot (a read-only REPEATABLE READ transaction): locks nothing,
// writes nothing, so it never waits for the writers nor they for it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/answers.h"
#include "store/pg.h"

namespace hub::store {

struct CaseReadLimits {
  int deliveries = 200;
  int replies = 200;
  std::size_t reply_bytes = std::size_t{4} << 20;  // of reply bodies, as serialized
};

// The case `case_id` as `unit` may see it, without its type's display name
// (the catalog's). nullopt: there is no case `case_id` that `unit` is party to
// (whether there is one at all is not told). Errors: kUnavailable when the
// database is unreachable; others as store/pg.h maps them.
Result<std::optional<protocol::CaseState>> read_case(PgConnection& db, std::int64_t case_id, const std::string& unit,
                                                     const CaseReadLimits& limits = {});

}  // namespace hub::store
