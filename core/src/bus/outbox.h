// bus/outbox.h: sends message bodies to units through their adapters.
//
// Thread-safe: adapters' send() is thread-safe, and the unit → adapter map is
// fixed at construction.
#pragma once

#include <map>
#include <string>

#include "hub/adapter.h"

namespace hub::bus {

class Outbox {
 public:
  // `adapters`: adapter name → adapter; `unit_adapter`: unit id → adapter name.
  Outbox(std::map<std::string, Adapter*> adapters, std::map<std::string, std::string> unit_adapter)
      : adapters_(std::move(adapters)), unit_adapter_(std::move(unit_adapter)) {}

  // Unavailable when the unit is unknown or not connected.
  Status send(const std::string& unit, std::string body) const {
    auto u = unit_adapter_.find(unit);
    if (u == unit_adapter_.end()) return Status::NotFound("unit " + unit + " has no adapter");
    auto a = adapters_.find(u->second);
    if (a == adapters_.end()) return Status::NotFound("adapter " + u->second + " is not running");
    return a->second->send(unit, std::move(body));
  }

 private:
  const std::map<std::string, Adapter*> adapters_;
  const std::map<std::string, std::string> unit_adapter_;
};

}  // namespace hub::bus
