// bus/outbox.h: sends message bodies to units through their adapters.
//
// Thread-safe: adapters' send() is thread-safe, and each send looks the
// unit's adapter up in the current catalog (units come and go at a reload).
#pragma once

#include <functional>
#include <map>
#include <string>

#include "catalog/catalog_holder.h"
#include "hub/adapter.h"

namespace hub::bus {

class Outbox {
 public:
  // `adapters`: adapter name → adapter (fixed while hubd runs).
  // `ack_expected` is told of every message sent with send_expecting_ack()
  // (the unit's ack credit, bus/unit_quotas.h); may be empty.
  Outbox(std::map<std::string, Adapter*> adapters, const catalog::CatalogHolder& catalog,
         std::function<void(const std::string& unit)> ack_expected = {})
      : adapters_(std::move(adapters)), catalog_(catalog), ack_expected_(std::move(ack_expected)) {}

  // For deliveries, forwarded replies and updates: messages the unit acks.
  Status send_expecting_ack(const std::string& unit, std::string body) const {
    Status s = send(unit, std::move(body));
    if (s.ok() && ack_expected_) ack_expected_(unit);
    return s;
  }

  // Unavailable when the unit is not connected; NotFound when it is not configured.
  Status send(const std::string& unit, std::string body) const {
    const auto catalog = catalog_.get();
    const catalog::UnitEntry* u = catalog->unit(unit);
    if (u == nullptr) return Status::NotFound("unit " + unit + " is not configured");
    auto a = adapters_.find(u->unit->adapter);
    if (a == adapters_.end()) return Status::NotFound("adapter " + u->unit->adapter + " is not running");
    return a->second->send(unit, std::move(body));
  }

 private:
  const std::map<std::string, Adapter*> adapters_;
  const catalog::CatalogHolder& catalog_;
  const std::function<void(const std::string&)> ack_expected_;
};

}  // namespace hub::bus
