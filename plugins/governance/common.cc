#include "common.h"

#include <chrono>

#include <fmt/format.h>

namespace hub::governance {

void require_compound(const CaseView& c, Problems& problems) {
  if (c.compound.empty())
    problems.push_back({"", "a " + c.type + " case must name its compound (小区)"});
}

void committee_acts_for_own_compound(const CaseView& c, Problems& problems) {
  constexpr std::string_view kCommittee = "oc.";
  if (!c.origin.starts_with(kCommittee) || c.compound.empty()) return;
  const std::string own = c.origin.substr(kCommittee.size());
  if (c.compound != own)
    problems.push_back({"", "the owners' committee " + c.origin + " acts for compound '" + own +
                                "' only, not for '" + c.compound + "'"});
}

bool raised_by_plugin(const CaseView& c) { return c.origin.starts_with("plugin:"); }

void require_raised_by_plugin(const CaseView& c, Problems& problems) {
  if (!raised_by_plugin(c))
    problems.push_back({"", c.type + " is issued by the hub's governance plugin, not sent by units"});
}

std::string local_date(TimePoint t) {
  using namespace std::chrono;
  const auto local = floor<days>(t + hours(8));
  const year_month_day ymd{local};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

std::string percent(double share) { return fmt::format("{:.2f}%", share * 100.0); }

std::string plain_number(double v) { return fmt::format("{}", v); }

}  // namespace hub::governance
