#include "route_table.h"

namespace hub::zmq_adapter {

std::optional<std::string> RouteTable::remember(const std::string& unit, const std::string& routing_id,
                                                const std::string& key) {
  std::optional<std::string> displaced;
  if (const auto owner = unit_of_routing_id_.find(routing_id); owner != unit_of_routing_id_.end()) {
    if (owner->second == unit) {  // the common case: the same connection again
      Route& route = route_of_unit_[unit];
      if (route.key != key) route.key = key;
      return std::nullopt;
    }
    displaced = owner->second;
    route_of_unit_.erase(owner->second);
    unit_of_routing_id_.erase(owner);
  }
  if (const auto old = route_of_unit_.find(unit); old != route_of_unit_.end())
    unit_of_routing_id_.erase(old->second.routing_id);
  route_of_unit_[unit] = {routing_id, key};
  unit_of_routing_id_[routing_id] = unit;
  return displaced;
}

const Route* RouteTable::find(const std::string& unit) const {
  const auto it = route_of_unit_.find(unit);
  return it == route_of_unit_.end() ? nullptr : &it->second;
}

bool RouteTable::forget(const std::string& unit, const std::string& routing_id) {
  const auto it = route_of_unit_.find(unit);
  if (it == route_of_unit_.end() || it->second.routing_id != routing_id) return false;
  unit_of_routing_id_.erase(it->second.routing_id);
  route_of_unit_.erase(it);
  return true;
}

std::optional<std::string> RouteTable::forget_connection(const std::string& routing_id) {
  const auto owner = unit_of_routing_id_.find(routing_id);
  if (owner == unit_of_routing_id_.end()) return std::nullopt;
  std::string unit = owner->second;
  route_of_unit_.erase(unit);
  unit_of_routing_id_.erase(owner);
  return unit;
}

}  // namespace hub::zmq_adapter
