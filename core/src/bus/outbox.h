// bus/outbox.h: sends message bodies to units through their adapters.
//
// Two ways out, as hub/adapter.h defines them: answer() takes the answer to a
// message back to the adapter and request it came in by; send() carries a
// message the hub starts through the unit's adapters, in units.yaml's order,
// until one takes it.
//
// Thread-safe: adapters' send() and answer() are thread-safe, and each call
// looks the unit up in the current catalog (units come and go at a reload).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "catalog/catalog_holder.h"
#include "hub/adapter.h"
#include "protocol/answer_to.h"

namespace hub::bus {

struct NamedAdapter {
  std::string name;  // as hub.yaml names it
  Adapter* adapter = nullptr;
};

class Outbox {
 public:
  // `adapters`: every running adapter, in hub.yaml's order (fixed while hubd
  // runs; protocol::AnswerTo::adapter indexes it). `ack_expected` is told of
  // every message sent with send_expecting_ack() (the unit's ack credit,
  // bus/unit_quotas.h); may be empty.
  Outbox(std::vector<NamedAdapter> adapters, const catalog::CatalogHolder& catalog,
         std::function<void(const std::string& unit)> ack_expected = {});

  // For deliveries, forwarded replies and updates: messages the unit acks.
  Status send_expecting_ack(const std::string& unit, std::string body) const;

  // Through the first of the unit's adapters that takes it. Unavailable when
  // none can reach the unit now; NotFound when it is not configured.
  Status send(const std::string& unit, std::string body) const;

  // The answer to a message from `unit`, to the adapter and request in `to`
  // (AnswerTo::kAnyAdapter: as send()).
  Status answer(const std::string& unit, const protocol::AnswerTo& to, std::string body) const;

  // The answer with bytes beside its body (Adapter::answer_with_data), to the
  // adapter and request in `to` only (NotFound for AnswerTo::kAnyAdapter).
  Status answer_with_data(const std::string& unit, const protocol::AnswerTo& to, std::string body,
                          std::string data) const;

  // The configured units that one of their adapters reaches at any time
  // (Reach::kAnyTime): the dispatcher treats them as always online.
  std::vector<std::string> reachable_any_time() const;

 private:
  Adapter* adapter_named(const std::string& name) const;

  const std::vector<NamedAdapter> adapters_;
  const catalog::CatalogHolder& catalog_;
  const std::function<void(const std::string&)> ack_expected_;
};

}  // namespace hub::bus
