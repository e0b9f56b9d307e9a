#include "complaints.h"

#include "case_types.h"
#include "common.h"
#include "hub/payload.h"

namespace hub::governance {

Problems validate_complaint(const Settings& settings, const CaseView& c) {
  Problems problems = check_fields(fields_of(kComplaint), c.payload);
  require_compound(c, problems);
  committee_acts_for_own_compound(c, problems);
  const std::string* category = find_string(c.payload, "/category");
  if (category != nullptr && !category->empty() && !settings.complaint_categories.count(*category)) {
    std::string known;
    for (const auto& [id, name] : settings.complaint_categories)
      known += (known.empty() ? "" : ", ") + id + " (" + name + ")";
    problems.push_back({"/category", "unknown category '" + *category + "'; known categories: " + known});
  }
  return problems;
}

}  // namespace hub::governance
