// router/router.h: decides who receives a case, in memory.
//
// Routes are compiled at load: indexed by case type (routes with no type
// condition apply to every type), tried in config order; the first route that
// matches decides. Targets that are directory roles are resolved through the
// compound directory. A case that matches no route, or whose route resolves a
// `to` target to no unit, is parked (kept, visible, replayable), never dropped.
//
// Thread-safety: route() is const and may run concurrently; the Directory it
// reads must not change during the call.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "config/directory.h"
#include "config/model.h"
#include "hub/case.h"

namespace hub::router {

struct Recipient {
  std::string unit;
  bool notice = false;  // a copy (cc): informs, carries no deadline
};

struct Decision {
  std::string route_id;              // empty when no route matched
  std::vector<Recipient> recipients; // `to` first, then notices; no unit twice
  std::string parked_reason;         // non-empty: the case is stored but parked
};

class Router {
 public:
  explicit Router(std::vector<config::Route> routes);
  Decision route(const CaseView& c, const Directory& directory) const;
  // The same for a case some units returned (退回): the first matching route
  // that still gives a receiver (`to`) outside `excluded`, without the
  // excluded units; parked (no recipients) when there is none.
  Decision route_around(const CaseView& c, const Directory& directory, const std::vector<std::string>& excluded) const;
  std::size_t size() const { return routes_.size(); }

 private:
  bool matches(const config::Route& r, const CaseView& c, const Directory& d) const;
  Decision decide(const config::Route& chosen, const CaseView& c, const Directory& d) const;
  std::vector<config::Route> routes_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_type_;  // ascending route indices
  std::vector<std::size_t> any_type_;                                   // ascending route indices
};

}  // namespace hub::router
