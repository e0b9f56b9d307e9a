// plugins/governance/common.h: small checks and formats shared by the
// governance plugin's case types. Pure functions.
#pragma once

#include <string>

#include "hub/case.h"
#include "hub/clock.h"

namespace hub::governance {

// Adds a problem when the case names no compound.
void require_compound(const CaseView& c, Problems& problems);

// An owners' committee (unit id "oc.<compound>") acts for its own compound
// only: adds a problem when an "oc.*" origin names another compound.
void committee_acts_for_own_compound(const CaseView& c, Problems& problems);

// True for cases a plugin raised (origin "plugin:<name>").
bool raised_by_plugin(const CaseView& c);

// Adds a problem unless the case was raised by a plugin.
void require_raised_by_plugin(const CaseView& c, Problems& problems);

// The local (Asia/Shanghai, UTC+8) calendar day of `t`, "YYYY-MM-DD".
std::string local_date(TimePoint t);

// 0.6667 → "66.67%".
std::string percent(double share);

// A number as people write it: 1000 → "1000", 666.5 → "666.5".
std::string plain_number(double v);

}  // namespace hub::governance
