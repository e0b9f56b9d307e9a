// route_table.h: which ROUTER routing id reaches each unit.
//
// The adapter remembers the routing id of the latest message from each unit
// and sends the unit's messages there. Not thread-safe: the adapter guards it
// with its mutex.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>

namespace hub::zmq_adapter {

class RouteTable {
 public:
  // Records that `routing_id` carried a message from `unit`. Returns the unit
  // that routing id belonged to until now when that was another unit (its
  // connection was replaced, see ZMQ_ROUTER_HANDOVER); that unit is forgotten.
  std::optional<std::string> remember(const std::string& unit, const std::string& routing_id);

  // The routing id of the unit's latest message, or nullptr.
  const std::string* find(const std::string& unit) const;

  // Forgets the unit if `routing_id` is still its route (a newer connection is
  // kept). Returns true when something was forgotten.
  bool forget(const std::string& unit, const std::string& routing_id);

 private:
  std::unordered_map<std::string, std::string> routing_id_of_unit_;
  std::unordered_map<std::string, std::string> unit_of_routing_id_;
};

}  // namespace hub::zmq_adapter
