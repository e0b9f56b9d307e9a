#include "lifecycle/policy.h"

#include <algorithm>

namespace hub::lifecycle {

Policy::Policy(std::shared_ptr<const Calendar> calendar, config::LifecycleConfig config,
               std::unordered_map<std::string, Limits> limits_by_type, std::unordered_set<std::string> units)
    : calendar_(std::move(calendar)), config_(std::move(config)), limits_(std::move(limits_by_type)),
      units_(std::move(units)) {}

Result<TimePoint> Policy::deadline(TimePoint from, const config::Limit& limit) const {
  if (limit.kind == config::Limit::Kind::kHours) return from + std::chrono::hours(limit.amount);
  if (!calendar_)
    return Status::InvalidArgument("a limit of " + limit.text + " counts working days, but the deployment has no calendar");
  return calendar_->deadline(from, limit);
}

Deadlines Policy::at_dispatch(const std::string& type, TimePoint dispatched) const {
  Deadlines out;
  const auto it = limits_.find(type);
  if (it == limits_.end()) return out;
  auto sign = deadline(dispatched, it->second.sign);
  auto resolve = deadline(dispatched, it->second.resolve);
  if (sign.ok()) out.sign_by = *sign;
  if (resolve.ok()) out.resolve_by = *resolve;
  if (!sign.ok() || !resolve.ok()) out.problem = (sign.ok() ? resolve : sign).status().message();
  return out;
}

Result<TimePoint> Policy::resolve_deadline(const std::string& type, TimePoint from) const {
  const auto it = limits_.find(type);
  if (it == limits_.end()) return Status::NotFound("case type " + type + " has no limits");
  return deadline(from, it->second.resolve);
}

const config::EscalationRule* Policy::rule_for(const std::string& receiver) const {
  for (const auto& rule : config_.chains) {
    if (std::find(rule.receivers.begin(), rule.receivers.end(), receiver) != rule.receivers.end()) return &rule;
    for (const auto& prefix : rule.receiver_patterns)
      if (receiver.rfind(prefix, 0) == 0) return &rule;
  }
  return config_.default_chain ? &*config_.default_chain : nullptr;
}

std::string Policy::resolve(const config::Target& target, const std::string& compound,
                            const Directory& directory) const {
  if (target.kind == config::Target::Kind::kUnit) return target.value;
  return compound.empty() ? std::string() : directory.resolve(compound, target.value);
}

std::vector<std::string> Policy::escalation_chain(const std::string& receiver, const std::string& compound,
                                                  const Directory& directory) const {
  std::vector<std::string> units;
  const auto* rule = rule_for(receiver);
  if (rule == nullptr) return units;
  for (const auto& target : rule->escalate_to) {
    std::string unit = resolve(target, compound, directory);
    if (!unit.empty() && unit != receiver && std::find(units.begin(), units.end(), unit) == units.end())
      units.push_back(std::move(unit));
  }
  return units;
}

std::string Policy::extension_approver(const std::string& receiver, const std::string& compound,
                                       const Directory& directory) const {
  const auto* rule = rule_for(receiver);
  if (rule == nullptr || !rule->extensions_by) return {};
  return resolve(*rule->extensions_by, compound, directory);
}

std::vector<std::string> Policy::return_deciders(const std::string& compound, const Directory& directory) const {
  std::vector<std::string> units;
  for (const auto& target : config_.return_deciders) {
    std::string unit = resolve(target, compound, directory);
    if (!unit.empty() && std::find(units.begin(), units.end(), unit) == units.end()) units.push_back(std::move(unit));
  }
  return units;
}

WatchSettings Policy::watch_settings(int levels) const {
  WatchSettings s;
  s.remind_percent = config_.remind_at_percent;
  s.levels = std::max(1, levels);
  const config::Limit step = config_.escalation_step;
  s.level_due = [this, step](TimePoint deadline, int level) -> std::optional<TimePoint> {
    config::Limit total = step;
    total.amount = step.amount * level;
    // A working-day step counts from the day the deadline ended, not the day after.
    const TimePoint from = step.kind == config::Limit::Kind::kWorkingDays ? deadline - std::chrono::microseconds(1)
                                                                          : deadline;
    auto due = this->deadline(from, total);
    return due.ok() ? std::optional<TimePoint>(*due) : std::nullopt;
  };
  return s;
}

std::string Policy::check_coverage(TimePoint now) const {
  for (const auto& [type, limits] : limits_)
    if (auto due = at_dispatch(type, now); !due.problem.empty()) return "case type " + type + ": " + due.problem;
  return {};
}

std::optional<int> Policy::days_left_in_calendar(TimePoint now) const {
  if (!calendar_) return std::nullopt;
  const auto today = std::chrono::floor<std::chrono::days>(now + std::chrono::hours(8));
  return static_cast<int>((calendar_->last_day() - today).count());
}

}  // namespace hub::lifecycle
