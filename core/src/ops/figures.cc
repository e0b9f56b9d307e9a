#include "ops/figures.h"

#include <algorithm>
#include <cmath>

#include "util/time_parse.h"

namespace hub::ops {
namespace {

std::optional<TimePoint> time_in(const Json& detail, const char* key) {
  auto it = detail.find(key);
  if (it == detail.end() || !it->is_string()) return std::nullopt;
  return parse_iso8601(it->get<std::string>());
}

double hours_between(TimePoint from, TimePoint to) {
  return std::chrono::duration<double, std::ratio<3600>>(to - from).count();
}

bool overdue(const DeliveryRecord& r, TimePoint now) {
  if (!r.open) return false;
  if (!r.signed_at && r.sign_by && now > *r.sign_by) return true;
  return r.resolve_by && now > *r.resolve_by;
}

void count(FigureRow& row, const DeliveryRecord& r, TimePoint now) {
  ++row.received;
  row.signed_on_time += r.signed_at && r.signed_on_time;
  row.resolved_on_time += r.resolved_at && r.resolved_on_time;
  row.overdue_now += overdue(r, now);
  row.returned += r.returned;
  row.extended += r.extended;
  row.reopened += r.reopens > 0;
}

void times(FigureRow& row, const std::vector<const DeliveryRecord*>& records) {
  std::vector<double> sign, resolve;
  for (const auto* r : records) {
    if (r->signed_at) sign.push_back(hours_between(r->dispatched, *r->signed_at));
    if (r->resolved_at) resolve.push_back(hours_between(r->dispatched, *r->resolved_at));
  }
  row.sign_median_hours = percentile(sign, 50);
  row.sign_p90_hours = percentile(sign, 90);
  row.resolve_median_hours = percentile(resolve, 50);
  row.resolve_p90_hours = percentile(resolve, 90);
}

Json hours_or_null(const std::optional<double>& h) {
  if (!h) return nullptr;
  return std::round(*h * 1000) / 1000;  // to 3.6 seconds
}

}  // namespace

std::vector<DeliveryRecord> replay(const std::vector<FigureEvent>& events) {
  std::vector<DeliveryRecord> out;
  for (const auto& e : events) {
    if (e.kind == "routed") {
      DeliveryRecord r;
      r.delivery = e.delivery;
      r.receiver = e.to_unit;
      r.compound = e.compound;
      r.dispatched = e.at;
      r.sign_by = time_in(e.detail, "sign_by");
      r.resolve_by = time_in(e.detail, "resolve_by");
      out.push_back(std::move(r));
      continue;
    }
    if (out.empty() || out.back().delivery != e.delivery) continue;
    DeliveryRecord& r = out.back();
    if (e.kind == "signed") {
      r.signed_at = e.at;
      r.signed_on_time = e.detail.value("on_time", false);
    } else if (e.kind == "resolved") {
      r.resolved_at = e.at;
      r.resolved_on_time = e.detail.value("on_time", false);
      r.open = false;
    } else if (e.kind == "returned") {
      r.returned = true;
      r.open = false;
    } else if (e.kind == "extension_granted") {
      r.extended = true;
      if (auto until = time_in(e.detail, "until")) r.resolve_by = until;
    } else if (e.kind == "reopened") {
      ++r.reopens;
      r.open = true;
      r.resolved_at.reset();
      r.resolve_by = time_in(e.detail, "resolve_by");
    }
  }
  return out;
}

std::optional<double> percentile(std::vector<double> values, int p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const auto n = values.size();
  std::size_t rank = (static_cast<std::size_t>(p) * n + 99) / 100;  // ⌈p·n/100⌉
  rank = std::clamp<std::size_t>(rank, 1, n);
  return values[rank - 1];
}

Figures summarize(const std::vector<DeliveryRecord>& records, TimePoint now,
                  const std::function<std::string(const DeliveryRecord&)>& group_of,
                  const std::function<std::string(const std::string&)>& name_of) {
  std::map<std::string, std::vector<const DeliveryRecord*>> groups;
  std::vector<const DeliveryRecord*> all;
  for (const auto& r : records) {
    groups[group_of(r)].push_back(&r);
    all.push_back(&r);
  }
  Figures f;
  for (const auto& [key, members] : groups) {
    FigureRow row;
    row.key = key;
    row.name = name_of(key);
    for (const auto* r : members) count(row, *r, now);
    times(row, members);
    f.rows.push_back(std::move(row));
  }
  f.total.key = "total";
  f.total.name = "合计 total";
  for (const auto* r : all) count(f.total, *r, now);
  times(f.total, all);
  return f;
}

Json to_json(const FigureRow& row) {
  return Json{{"key", row.key},
              {"name", row.name},
              {"received", row.received},
              {"signed_on_time", row.signed_on_time},
              {"resolved_on_time", row.resolved_on_time},
              {"overdue_now", row.overdue_now},
              {"returned", row.returned},
              {"extended", row.extended},
              {"reopened", row.reopened},
              {"sign_median_hours", hours_or_null(row.sign_median_hours)},
              {"sign_p90_hours", hours_or_null(row.sign_p90_hours)},
              {"resolve_median_hours", hours_or_null(row.resolve_median_hours)},
              {"resolve_p90_hours", hours_or_null(row.resolve_p90_hours)}};
}

}  // namespace hub::ops
