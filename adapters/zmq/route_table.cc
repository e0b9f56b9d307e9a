#include "route_table.h"

namespace hub::zmq_adapter {

std::optional<std::string> RouteTable::remember(const std::string& unit, const std::string& routing_id) {
  std::optional<std::string> displaced;
  if (const auto owner = unit_of_routing_id_.find(routing_id); owner != unit_of_routing_id_.end()) {
    if (owner->second == unit) return std::nullopt;  // the common case: nothing changed
    displaced = owner->second;
    routing_id_of_unit_.erase(owner->second);
    unit_of_routing_id_.erase(owner);
  }
  if (const auto old = routing_id_of_unit_.find(unit); old != routing_id_of_unit_.end())
    unit_of_routing_id_.erase(old->second);
  routing_id_of_unit_[unit] = routing_id;
  unit_of_routing_id_[routing_id] = unit;
  return displaced;
}

const std::string* RouteTable::find(const std::string& unit) const {
  const auto it = routing_id_of_unit_.find(unit);
  return it == routing_id_of_unit_.end() ? nullptr : &it->second;
}

bool RouteTable::forget(const std::string& unit, const std::string& routing_id) {
  const auto it = routing_id_of_unit_.find(unit);
  if (it == routing_id_of_unit_.end() || it->second != routing_id) return false;
  unit_of_routing_id_.erase(it->second);
  routing_id_of_unit_.erase(it);
  return true;
}

}  // namespace hub::zmq_adapter
