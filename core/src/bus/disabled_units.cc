#include "bus/disabled_units.h"

#include <spdlog/spdlog.h>

#include "protocol/answers.h"
#include "protocol/messages.h"
#include "store/unit_status.h"

namespace hub::bus {
namespace {

std::string listed(const std::vector<std::string>& units) {
  std::string out;
  for (const auto& u : units) out += (out.empty() ? "" : ", ") + u;
  return out;
}

}  // namespace

DisabledUnits::DisabledUnits(const Outbox& outbox, std::function<void()> enabled)
    : outbox_(outbox), enabled_(std::move(enabled)), set_(std::make_shared<const Set>()) {}

bool DisabledUnits::contains(const std::string& unit) const noexcept {
  if (!any_.load(std::memory_order_acquire)) return false;
  return set_.load(std::memory_order_acquire)->count(unit) > 0;
}

std::vector<std::string> DisabledUnits::without(std::vector<std::string> units) const {
  if (!any_.load(std::memory_order_acquire)) return units;
  const auto set = set_.load(std::memory_order_acquire);
  std::erase_if(units, [&](const std::string& u) { return set->count(u) > 0; });
  return units;
}

bool DisabledUnits::refuse(const std::string& unit, const protocol::AnswerTo& to) noexcept {
  if (!contains(unit)) return false;
  try {
    count_refusal(unit, to);
  } catch (const std::exception& e) {  // out of memory: the message is dropped all the same
    spdlog::error("disabled units: a message of {} dropped unanswered: {}", unit, e.what());
  }
  return true;
}

void DisabledUnits::count_refusal(const std::string& unit, const protocol::AnswerTo& to) {
  const RefusalPacer::Verdict paced = refusals_.refuse(unit, RefusalPacer::SteadyClock::now());
  if (paced.first)
    spdlog::warn("unit {} is disabled: its messages are refused unread (answered unit_disabled at most once a second)",
                 unit);
  else if (paced.to_log > 0)
    spdlog::warn("unit {} is disabled: {} message(s) refused in the last minute", unit, paced.to_log);
  if (!paced.answer && !to.each_request) return;
  const std::string body = protocol::error(
      protocol::code::kUnitDisabled,
      "unit " + unit + " is disabled by the hub's operators: nothing it sends is read or stored, and nothing is sent "
      "to it. 本单位已被枢纽运维人员停用，请联系枢纽运维人员。",
      false, "");
  if (Status s = outbox_.answer(unit, to, body); !s.ok())
    spdlog::debug("disabled units: answer to {} not sent: {}", unit, s.message());
}

Status DisabledUnits::reload(store::PgConnection& db) {
  std::lock_guard lock(reload_mu_);  // held while reading: an older read never replaces a newer one
  auto loaded = store::load_disabled_units(db);
  if (!loaded.ok()) return loaded.status();
  const auto before = set_.load(std::memory_order_acquire);
  auto next = std::make_shared<const Set>(loaded->begin(), loaded->end());
  std::vector<std::string> disabled, enabled;
  for (const auto& u : *next)
    if (!before->count(u)) disabled.push_back(u);
  for (const auto& u : *before)
    if (!next->count(u)) enabled.push_back(u);
  if (disabled.empty() && enabled.empty()) return {};
  set_.store(next, std::memory_order_release);
  any_.store(!next->empty(), std::memory_order_release);
  refusals_.forget_unless([&](const std::string& unit) { return next->count(unit) > 0; });
  if (!disabled.empty())
    spdlog::warn("disabled by an operator: {}: their messages are refused and nothing is sent to them", listed(disabled));
  if (!enabled.empty()) {
    spdlog::info("enabled again by an operator: {}: their waiting work is sent as they come back", listed(enabled));
    enabled_();
  }
  return {};
}

void DisabledUnits::replace(const std::vector<std::string>& units) {
  std::lock_guard lock(reload_mu_);
  auto next = std::make_shared<const Set>(units.begin(), units.end());
  set_.store(next, std::memory_order_release);
  any_.store(!next->empty(), std::memory_order_release);
  if (!units.empty()) spdlog::warn("disabled by an operator: {}: their messages are refused and nothing is sent to them",
                                   listed(units));
}

}  // namespace hub::bus
