#include "bus/outbox.h"

namespace hub::bus {

Outbox::Outbox(std::vector<NamedAdapter> adapters, const catalog::CatalogHolder& catalog,
               std::function<void(const std::string& unit)> ack_expected)
    : adapters_(std::move(adapters)), catalog_(catalog), ack_expected_(std::move(ack_expected)) {}

Status Outbox::send_expecting_ack(const std::string& unit, std::string body) const {
  Status s = send(unit, std::move(body));
  if (s.ok() && ack_expected_) ack_expected_(unit);
  return s;
}

Status Outbox::send(const std::string& unit, std::string body) const {
  const auto catalog = catalog_.get();
  const catalog::UnitEntry* u = catalog->unit(unit);
  if (u == nullptr) return Status::NotFound("unit " + unit + " is not configured");
  const auto& names = u->unit->adapters;
  Status last = Status::Unavailable("unit " + unit + " has no adapter");
  for (std::size_t i = 0; i < names.size(); ++i) {
    Adapter* adapter = adapter_named(names[i]);
    if (adapter == nullptr) {
      last = Status::NotFound("adapter " + names[i] + " is not running");
      continue;
    }
    const bool last_try = i + 1 == names.size();
    last = adapter->send(unit, last_try ? std::move(body) : body);
    if (last.ok()) return last;
  }
  return last;
}

Status Outbox::answer(const std::string& unit, const protocol::AnswerTo& to, std::string body) const {
  if (to.adapter == protocol::AnswerTo::kAnyAdapter) return send(unit, std::move(body));
  if (to.adapter >= adapters_.size()) return Status::NotFound("no adapter number " + std::to_string(to.adapter));
  return adapters_[to.adapter].adapter->answer(Origin{unit, to.request}, std::move(body));
}

Status Outbox::answer_with_data(const std::string& unit, const protocol::AnswerTo& to, std::string body,
                                std::string data) const {
  if (to.adapter >= adapters_.size())
    return Status::NotFound("an answer with bytes goes to the request it answers; no adapter number " +
                            std::to_string(to.adapter));
  return adapters_[to.adapter].adapter->answer_with_data(Origin{unit, to.request}, std::move(body), std::move(data));
}

std::vector<std::string> Outbox::reachable_any_time() const {
  std::vector<std::string> units;
  const auto catalog = catalog_.get();
  for (const auto& unit : catalog->deployment().units)
    for (const auto& name : unit.adapters)
      if (const Adapter* a = adapter_named(name); a != nullptr && a->reach(unit.id) == Reach::kAnyTime) {
        units.push_back(unit.id);
        break;
      }
  return units;
}

Adapter* Outbox::adapter_named(const std::string& name) const {
  for (const auto& a : adapters_)
    if (a.name == name) return a.adapter;
  return nullptr;
}

}  // namespace hub::bus
