#include "router/router.h"

#include <algorithm>
#include <iterator>
#include <optional>

namespace hub::router {
namespace {

bool listed(const std::vector<std::string>& list, const std::string& value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

bool field_matches(const config::FieldPredicate& p, const Json::json_pointer& ptr, const Json& payload) {
  if (!payload.is_object() || !payload.contains(ptr)) return false;
  const Json& value = payload.at(ptr);
  return std::find(p.any_of.begin(), p.any_of.end(), value) != p.any_of.end();
}

}  // namespace

Router::Router(std::vector<config::Route> routes) : routes_(std::move(routes)) {
  std::vector<std::size_t> any_type;
  std::unordered_map<std::string, std::vector<std::size_t>> typed;  // ascending route indices
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    std::vector<Json::json_pointer> pointers;
    for (const auto& f : routes_[i].match.fields) pointers.emplace_back(f.pointer);
    pointers_.push_back(std::move(pointers));
    if (routes_[i].match.types.empty()) any_type.push_back(i);
    for (const auto& t : routes_[i].match.types)
      if (auto& list = typed[t]; list.empty() || list.back() != i) list.push_back(i);
  }
  // Each type's list holds its own routes and the type-less ones, in config order.
  for (auto& [type, list] : typed) {
    std::vector<std::size_t> merged;
    std::merge(list.begin(), list.end(), any_type.begin(), any_type.end(), std::back_inserter(merged));
    by_type_.emplace(type, RouteIndex(routes_, std::move(merged)));
  }
  any_type_ = RouteIndex(routes_, std::move(any_type));
}

bool Router::matches(std::size_t route, const CaseView& c, const Directory& d) const {
  const auto& m = routes_[route].match;
  if (!listed(m.origins, c.origin) || !listed(m.compounds, c.compound)) return false;
  if (!m.zones.empty() && !listed(m.zones, d.zone_of(c.compound))) return false;
  if (!m.subdistricts.empty() && !listed(m.subdistricts, d.subdistrict_of(c.compound))) return false;
  for (std::size_t k = 0; k < m.fields.size(); ++k)
    if (!field_matches(m.fields[k], pointers_[route][k], c.payload)) return false;
  return true;
}

Decision Router::route(const CaseView& c, const Directory& directory) const {
  return route_around(c, directory, {});
}

Decision Router::route_around(const CaseView& c, const Directory& directory,
                              const std::vector<std::string>& excluded) const {
  const auto it = by_type_.find(c.type);
  const RouteIndex& candidates = it == by_type_.end() ? any_type_ : it->second;
  auto is_excluded = [&](const Recipient& r) {
    return std::find(excluded.begin(), excluded.end(), r.unit) != excluded.end();
  };
  std::optional<Decision> chosen;
  candidates.for_each_candidate(c.payload, [&](std::size_t next) {
    if (!matches(next, c, directory)) return false;
    Decision d = decide(routes_[next], c, directory);
    if (!excluded.empty()) {
      std::erase_if(d.recipients, is_excluded);
      if (!d.parked_reason.empty() ||
          std::none_of(d.recipients.begin(), d.recipients.end(), [](const Recipient& r) { return !r.notice; }))
        return false;
    }
    chosen = std::move(d);
    return true;
  });
  if (chosen) return std::move(*chosen);
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
