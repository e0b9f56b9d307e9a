// router/router.h: decides who receives a case, in memory.
//
// Routes are compiled at load: indexed by case type (routes with no type
// condition apply to every type), and within a type by one payload field
// (router/route_index.h), tried in config order; the first route that matches
// decides. Per case the cost is a hash lookup plus the routes that do not
// compare that field, however many routes do. Targets that are directory roles are resolved through the
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
#include "router/route_index.h"

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
  bool matches(std::size_t route, const CaseView& c, const Directory& d) const;
  Decision decide(const config::Route& chosen, const CaseView& c, const Directory& d) const;
  std::vector<config::Route> routes_;
  std::vector<std::vector<Json::json_pointer>> pointers_;  // per route, its field predicates' pointers, parsed once
  std::unordered_map<std::string, RouteIndex> by_type_;    // the type's routes and the type-less ones
  RouteIndex any_type_;                                    // the type-less routes (types no route names)
};

}  // namespace hub::router
