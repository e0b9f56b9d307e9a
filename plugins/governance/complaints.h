// plugins/governance/complaints.h: complaint.general (小区综合投诉).
//
// The route is chosen by config from /category; the plugin checks that the
// category is one of the configured ones (a provisional table: the duty list
// it would come from is not published).
#pragma once

#include "hub/case.h"
#include "settings.h"

namespace hub::governance {

Problems validate_complaint(const Settings& settings, const CaseView& c);

}  // namespace hub::governance
