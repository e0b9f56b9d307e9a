#include "router/router.h"

#include <algorithm>

namespace hub::router {
namespace {

bool listed(const std::vector<std::string>& list, const std::string& value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

bool field_matches(const config::FieldPredicate& p, const Json& payload) {
  const Json::json_pointer ptr(p.pointer);
  if (!payload.is_object() || !payload.contains(ptr)) return false;
  const Json& value = payload.at(ptr);
  return std::find(p.any_of.begin(), p.any_of.end(), value) != p.any_of.end();
}

}  // namespace

Router::Router(std::vector<config::Route> routes) : routes_(std::move(routes)) {
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].match.types.empty()) any_type_.push_back(i);
    for (const auto& t : routes_[i].match.types) by_type_[t].push_back(i);
  }
}

bool Router::matches(const config::Route& r, const CaseView& c, const Directory& d) const {
  const auto& m = r.match;
  if (!listed(m.origins, c.origin) || !listed(m.compounds, c.compound)) return false;
  if (!m.zones.empty() && !listed(m.zones, d.zone_of(c.compound))) return false;
  if (!m.subdistricts.empty() && !listed(m.subdistricts, d.subdistrict_of(c.compound))) return false;
  for (const auto& f : m.fields)
    if (!field_matches(f, c.payload)) return false;
  return true;
}

Decision Router::route(const CaseView& c, const Directory& directory) const {
  return route_around(c, directory, {});
}

Decision Router::route_around(const CaseView& c, const Directory& directory,
                              const std::vector<std::string>& excluded) const {
  // Merge the type's routes with the type-less ones, keeping config order.
  static const std::vector<std::size_t> kNone;
  auto it = by_type_.find(c.type);
  const auto& typed = it == by_type_.end() ? kNone : it->second;
  std::size_t a = 0, b = 0;
  auto is_excluded = [&](const Recipient& r) {
    return std::find(excluded.begin(), excluded.end(), r.unit) != excluded.end();
  };
  while (a < typed.size() || b < any_type_.size()) {
    std::size_t next;
    if (b >= any_type_.size() || (a < typed.size() && typed[a] < any_type_[b])) next = typed[a++];
    else next = any_type_[b++];
    if (!matches(routes_[next], c, directory)) continue;
    Decision d = decide(routes_[next], c, directory);
    if (excluded.empty()) return d;
    std::erase_if(d.recipients, is_excluded);
    if (d.parked_reason.empty() && std::any_of(d.recipients.begin(), d.recipients.end(),
                                               [](const Recipient& r) { return !r.notice; }))
      return d;
  }
  Decision d;
  d.parked_reason = "no route matches case type " + c.type + (c.compound.empty() ? "" : " for compound " + c.compound);
  if (!excluded.empty()) d.parked_reason += " that reaches another unit";
  return d;
}

Decision Router::decide(const config::Route& chosen, const CaseView& c, const Directory& directory) const {
  Decision d;
  d.route_id = chosen.id;
  auto add = [&](const config::Target& t, bool notice) -> bool {
    std::string unit = t.kind == config::Target::Kind::kUnit ? t.value : directory.resolve(c.compound, t.value);
    if (unit.empty()) {
      if (!notice)
        d.parked_reason = "route " + chosen.id + ": compound." + t.value + " of compound '" + c.compound +
                          "' is not known in the directory";
      return notice;  // a missing copy is skipped; a missing receiver parks the case
    }
    if (notice && unit == c.origin) return true;  // no copy of a case to its own sender
    auto same = [&](const Recipient& r) { return r.unit == unit; };
    if (std::none_of(d.recipients.begin(), d.recipients.end(), same)) d.recipients.push_back({unit, notice});
    return true;
  };
  for (const auto& t : chosen.to)
    if (!add(t, false)) {
      d.recipients.clear();
      return d;
    }
  for (const auto& t : chosen.cc) add(t, true);
  return d;
}

}  // namespace hub::router
