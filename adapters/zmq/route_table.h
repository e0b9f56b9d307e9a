// route_table.h: which ROUTER routing ids reach each unit, and with which key.
//
// Every connection (routing id) gets a number the first time it carries a
// message; that number is the hub::Origin::request of its messages, so that
// an answer goes back to the connection the message came on. For each unit
// the table keeps its kRecent latest connections: the latest is where the
// hub's own messages go; answers go to whichever of them asked, as long as
// the table still knows it (an answer to a connection forgotten since is
// dropped; the unit resends by its reference).
// Not thread-safe: the adapter guards it with its mutex.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>

namespace hub::zmq_adapter {

struct Route {
  std::string routing_id;
  std::string key;              // the connection's CURVE public key (Z85)
  std::uint64_t connection = 0;  // the table's number for this connection (1, 2, ...)
};

class RouteTable {
 public:
  // Connections remembered per unit, latest first.
  static constexpr std::size_t kRecent = 4;

  struct Remembered {
    std::uint64_t connection = 0;  // the number of `routing_id`
    // The unit `routing_id` belonged to until now when that was another unit
    // (the connection was replaced, see ZMQ_ROUTER_HANDOVER); that unit's
    // route by it is forgotten.
    std::optional<std::string> displaced;
  };

  // Records that `routing_id`, a connection with `key`, carried a message from
  // `unit`: it becomes the unit's latest connection.
  Remembered remember(const std::string& unit, const std::string& routing_id, const std::string& key);

  // The unit's latest connection, or nullptr.
  const Route* find(const std::string& unit) const;

  // The unit's connection numbered `connection`, if it is one of its recent
  // ones still remembered; else nullptr.
  const Route* find_connection(const std::string& unit, std::uint64_t connection) const;

  // Forgets the unit's connection `routing_id`. Returns true when something was forgotten.
  bool forget(const std::string& unit, const std::string& routing_id);

  // Forgets connection `routing_id` of whichever unit; returns that unit.
  std::optional<std::string> forget_connection(const std::string& routing_id);

 private:
  void erase_route(const std::string& unit, const std::string& routing_id);

  std::uint64_t last_connection_ = 0;
  std::unordered_map<std::string, std::deque<Route>> routes_of_unit_;  // latest first, at most kRecent
  std::unordered_map<std::string, std::string> unit_of_routing_id_;
};

}  // namespace hub::zmq_adapter
