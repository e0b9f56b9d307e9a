#include "route_table.h"

#include <algorithm>

namespace hub::zmq_adapter {

RouteTable::Remembered RouteTable::remember(const std::string& unit, const std::string& routing_id,
                                            const std::string& key) {
  Remembered out;
  std::deque<Route>& routes = routes_of_unit_[unit];
  if (const auto owner = unit_of_routing_id_.find(routing_id); owner != unit_of_routing_id_.end()) {
    if (owner->second == unit) {  // the common case: a connection of the unit's again
      const auto it = std::find_if(routes.begin(), routes.end(),
                                   [&](const Route& r) { return r.routing_id == routing_id; });
      Route route = *it;  // REQUIRES: unit_of_routing_id_ and routes_of_unit_ agree
      route.key = key;
      routes.erase(it);
      routes.push_front(std::move(route));
      out.connection = routes.front().connection;
      return out;
    }
    out.displaced = owner->second;
    erase_route(owner->second, routing_id);
  }
  routes.push_front(Route{routing_id, key, ++last_connection_});
  unit_of_routing_id_[routing_id] = unit;
  if (routes.size() > kRecent) {
    unit_of_routing_id_.erase(routes.back().routing_id);
    routes.pop_back();
  }
  out.connection = last_connection_;
  return out;
}

const Route* RouteTable::find(const std::string& unit) const {
  const auto it = routes_of_unit_.find(unit);
  return it == routes_of_unit_.end() || it->second.empty() ? nullptr : &it->second.front();
}

const Route* RouteTable::find_connection(const std::string& unit, std::uint64_t connection) const {
  const auto it = routes_of_unit_.find(unit);
  if (it == routes_of_unit_.end()) return nullptr;
  for (const Route& route : it->second)
    if (route.connection == connection) return &route;
  return nullptr;
}

bool RouteTable::forget(const std::string& unit, const std::string& routing_id) {
  const auto owner = unit_of_routing_id_.find(routing_id);
  if (owner == unit_of_routing_id_.end() || owner->second != unit) return false;
  unit_of_routing_id_.erase(owner);
  erase_route(unit, routing_id);
  return true;
}

std::optional<std::string> RouteTable::forget_connection(const std::string& routing_id) {
  const auto owner = unit_of_routing_id_.find(routing_id);
  if (owner == unit_of_routing_id_.end()) return std::nullopt;
  std::string unit = owner->second;
  unit_of_routing_id_.erase(owner);
  erase_route(unit, routing_id);
  return unit;
}

void RouteTable::erase_route(const std::string& unit, const std::string& routing_id) {
  const auto it = routes_of_unit_.find(unit);
  if (it == routes_of_unit_.end()) return;
  std::erase_if(it->second, [&](const Route& r) { return r.routing_id == routing_id; });
  if (it->second.empty()) routes_of_unit_.erase(it);
}

}  // namespace hub::zmq_adapter
