// lifecycle/policy.h: the deployment's lifecycle rules, compiled.
//
// Deadlines from the case types' limits and the working-day calendar; who
// escalation reaches, who grants extensions and who decides returned cases,
// for a receiver and the case's compound (config `lifecycle:`). Built with the
// catalog; immutable; safe to use from any thread. Methods that name units
// resolve compound roles through the Directory passed in (the catalog's
// current one).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "config/directory.h"
#include "config/model.h"
#include "lifecycle/calendar.h"
#include "lifecycle/watch.h"

namespace hub::lifecycle {

struct Limits {
  config::Limit sign;
  config::Limit resolve;
};

// The deadlines of a delivery dispatched now. A deadline the calendar cannot
// compute is left out, and `problem` says why (the operators must extend the
// calendar); the delivery goes out regardless.
struct Deadlines {
  std::optional<TimePoint> sign_by;
  std::optional<TimePoint> resolve_by;
  std::string problem;
};

class Policy {
 public:
  // `calendar` may be null when no limit counts working days.
  Policy(std::shared_ptr<const Calendar> calendar, config::LifecycleConfig config,
         std::unordered_map<std::string, Limits> limits_by_type, std::unordered_set<std::string> units);

  // Whether the deployment has this unit (a case may be assigned to it).
  bool knows_unit(const std::string& id) const { return units_.count(id) > 0; }

  Deadlines at_dispatch(const std::string& type, TimePoint dispatched) const;
  // The resolve deadline of a delivery reopened at `from`.
  Result<TimePoint> resolve_deadline(const std::string& type, TimePoint from) const;
  Result<TimePoint> deadline(TimePoint from, const config::Limit& limit) const;

  // The units escalation reaches for `receiver`, level by level: the chain's
  // targets resolved for `compound`, without the receiver itself, without
  // targets that resolve to nobody, each unit once.
  std::vector<std::string> escalation_chain(const std::string& receiver, const std::string& compound,
                                            const Directory& directory) const;
  // The unit that grants or refuses `receiver`'s extensions, or "" (nobody).
  std::string extension_approver(const std::string& receiver, const std::string& compound,
                                 const Directory& directory) const;
  // Who decides a returned case no route fits, in order of preference.
  std::vector<std::string> return_deciders(const std::string& compound, const Directory& directory) const;

  WatchSettings watch_settings(int levels) const;

  // Empty when the deadlines of every case type can be computed for a case
  // dispatched at `now`; else what is missing and what to do.
  std::string check_coverage(TimePoint now) const;
  // Whole days from the local date of `now` to the calendar's last day;
  // nothing without a calendar.
  std::optional<int> days_left_in_calendar(TimePoint now) const;

 private:
  const config::EscalationRule* rule_for(const std::string& receiver) const;
  std::string resolve(const config::Target& target, const std::string& compound, const Directory& directory) const;

  std::shared_ptr<const Calendar> calendar_;
  config::LifecycleConfig config_;
  std::unordered_map<std::string, Limits> limits_;
  std::unordered_set<std::string> units_;
};

}  // namespace hub::lifecycle
