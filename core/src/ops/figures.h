// ops/figures.h: the figures units are evaluated on (奖惩), from stored events.
//
// replay() rebuilds each delivery's history from its routing events (routed,
// signed, resolved, returned, extension_granted, reopened); summarize()
// groups the deliveries and counts. Pure: the operator query (ops/report.h)
// reads the events and the names.
//
// Definitions (also in docs/OPERATIONS.md):
//   received          non-notice deliveries dispatched in the period
//   signed on time    signed (explicitly or by a first reply) by the sign deadline
//   resolved on time  resolved now, by the resolve deadline in force when resolved
//                     (after extensions; a reopening sets a new one)
//   overdue now       still open at the report's time with a deadline passed
//   returned, extended (at least one extension granted), reopened (at least once)
//   time to sign / resolve: from dispatch to signing / to the latest resolution,
//   median and p90 by the nearest-rank method (p-th: the value at rank ⌈p·n/100⌉).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hub/case.h"
#include "hub/clock.h"

namespace hub::ops {

struct FigureEvent {
  std::int64_t delivery = 0;
  std::string kind;
  TimePoint at;
  std::string to_unit;   // for "routed": the receiver
  std::string compound;  // the case's
  Json detail;
};

struct DeliveryRecord {
  std::int64_t delivery = 0;
  std::string receiver;
  std::string compound;
  TimePoint dispatched;
  std::optional<TimePoint> sign_by, resolve_by, signed_at, resolved_at;
  bool signed_on_time = false;
  bool resolved_on_time = false;
  bool open = true;
  bool returned = false;
  bool extended = false;
  int reopens = 0;
};

// REQUIRES: events ordered by delivery, then as they happened; each
// delivery's first event is its "routed". Deliveries without one are skipped.
std::vector<DeliveryRecord> replay(const std::vector<FigureEvent>& events);

struct FigureRow {
  std::string key;   // unit id, zone id or sub-district unit id; "" for no compound
  std::string name;  // display name
  int received = 0, signed_on_time = 0, resolved_on_time = 0, overdue_now = 0, returned = 0, extended = 0,
      reopened = 0;
  std::optional<double> sign_median_hours, sign_p90_hours, resolve_median_hours, resolve_p90_hours;
};

// `group_of` maps a record to its row key, `name_of` a key to its name.
// Rows are sorted by key; `total` covers every record.
struct Figures {
  std::vector<FigureRow> rows;
  FigureRow total;
};
Figures summarize(const std::vector<DeliveryRecord>& records, TimePoint now,
                  const std::function<std::string(const DeliveryRecord&)>& group_of,
                  const std::function<std::string(const std::string&)>& name_of);

// The nearest-rank percentile of `values` (sorted or not), or nothing when empty.
std::optional<double> percentile(std::vector<double> values, int p);

Json to_json(const FigureRow& row);

}  // namespace hub::ops
