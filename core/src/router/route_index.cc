#include "router/route_index.h"

#include <algorithm>
#include <map>

namespace hub::router {
namespace {

using config::Json;

// The route's first predicate at `pointer` whose values are all strings, or nullptr.
const config::FieldPredicate* string_predicate(const config::Route& route, const std::string& pointer) {
  for (const auto& f : route.match.fields)
    if (f.pointer == pointer && !f.any_of.empty() &&
        std::all_of(f.any_of.begin(), f.any_of.end(), [](const Json& v) { return v.is_string(); }))
      return &f;
  return nullptr;
}

}  // namespace

RouteIndex::RouteIndex(const std::vector<config::Route>& routes, std::vector<std::size_t> order) {
  // The pointer most routes of the list compare with strings (the first such pointer on a tie).
  std::map<std::string, std::size_t> uses;
  std::vector<std::string> first_seen;
  for (std::size_t i : order)
    for (const auto& f : routes[i].match.fields)
      if (string_predicate(routes[i], f.pointer) == &f && uses[f.pointer]++ == 0) first_seen.push_back(f.pointer);
  std::size_t best = 0;
  for (const auto& p : first_seen)
    if (uses[p] > best) {
      best = uses[p];
      pointer_ = p;
    }
  if (pointer_.empty()) {
    rest_ = std::move(order);
    return;
  }
  compiled_.emplace(pointer_);
  for (std::size_t i : order) {
    const config::FieldPredicate* p = string_predicate(routes[i], pointer_);
    if (p == nullptr) {
      rest_.push_back(i);
      continue;
    }
    for (const Json& value : p->any_of) {
      auto& list = by_value_[value.get<std::string>()];
      if (list.empty() || list.back() != i) list.push_back(i);  // a value listed twice files the route once
    }
  }
}

const std::vector<std::size_t>& RouteIndex::filed_for(const config::Json& payload) const {
  static const std::vector<std::size_t> kNone;
  if (!compiled_ || !payload.is_object() || !payload.contains(*compiled_)) return kNone;
  const Json& value = payload.at(*compiled_);
  if (!value.is_string()) return kNone;
  const auto it = by_value_.find(value.get_ref<const std::string&>());
  return it == by_value_.end() ? kNone : it->second;
}

}  // namespace hub::router
