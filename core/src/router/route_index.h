// router/route_index.h: the routes one case type may take, indexed by one
// payload field, so that 10,000 routes told apart by a payload value cost a
// hash lookup per case instead of a scan.
//
// A RouteIndex holds an ascending list of route indices (config order). It
// picks the JSON pointer that most of those routes compare with strings only
// (`fields: {"/region": "r17"}` or a list of strings) and files each such
// route under each of its strings; every other route (no predicate at that
// pointer, or one with a number or boolean) stays in `rest`.
// for_each_candidate() visits, in ascending order, the routes filed under the
// payload's string at the pointer merged with `rest`: exactly the routes of
// the list that can match, minus those whose string predicate at the pointer
// cannot. A route filed under other strings cannot match (the payload's value
// is not among its strings, or is not a string at all, which never equals a
// string), so the first visited route that fully matches is the first route
// of the list that fully matches: first-match semantics are kept exactly.
//
// Thread-safety: immutable after construction; for_each_candidate is const.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/model.h"

namespace hub::router {

class RouteIndex {
 public:
  RouteIndex() = default;
  // `order`: ascending indices into `routes` of the routes this index serves.
  RouteIndex(const std::vector<config::Route>& routes, std::vector<std::size_t> order);

  // Calls visit(i) for each candidate route index in ascending order until
  // visit returns true; returns whether it did.
  template <class Visit>
  bool for_each_candidate(const config::Json& payload, Visit&& visit) const {
    const std::vector<std::size_t>& filed = filed_for(payload);
    std::size_t a = 0, b = 0;
    while (a < filed.size() || b < rest_.size()) {
      const std::size_t next = (b >= rest_.size() || (a < filed.size() && filed[a] < rest_[b])) ? filed[a++] : rest_[b++];
      if (visit(next)) return true;
    }
    return false;
  }

  // The indexed pointer ("" when no route of the list compares strings).
  const std::string& pointer() const { return pointer_; }
  std::size_t unindexed() const { return rest_.size(); }

 private:
  const std::vector<std::size_t>& filed_for(const config::Json& payload) const;

  std::string pointer_;
  std::optional<config::Json::json_pointer> compiled_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_value_;  // ascending route indices per string
  std::vector<std::size_t> rest_;                                       // ascending
};

}  // namespace hub::router
