// route_table.h: which ROUTER routing id reaches each unit, and with which key.
//
// The adapter remembers the routing id of the latest message from each unit,
// with the CURVE key of that connection, and sends the unit's messages there
// as long as the key still belongs to the unit (the adapter asks the host).
// Not thread-safe: the adapter guards it with its mutex.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>

namespace hub::zmq_adapter {

struct Route {
  std::string routing_id;
  std::string key;  // the connection's CURVE public key (Z85)
};

class RouteTable {
 public:
  // Records that `routing_id`, a connection with `key`, carried a message from
  // `unit`. Returns the unit that routing id belonged to until now when that
  // was another unit (its connection was replaced, see ZMQ_ROUTER_HANDOVER);
  // that unit is forgotten.
  std::optional<std::string> remember(const std::string& unit, const std::string& routing_id, const std::string& key);

  // The route of the unit's latest message, or nullptr.
  const Route* find(const std::string& unit) const;

  // Forgets the unit if `routing_id` is still its route (a newer connection is
  // kept). Returns true when something was forgotten.
  bool forget(const std::string& unit, const std::string& routing_id);

  // Forgets whichever unit `routing_id` is the route of; returns that unit.
  std::optional<std::string> forget_connection(const std::string& routing_id);

 private:
  std::unordered_map<std::string, Route> route_of_unit_;
  std::unordered_map<std::string, std::string> unit_of_routing_id_;
};

}  // namespace hub::zmq_adapter
