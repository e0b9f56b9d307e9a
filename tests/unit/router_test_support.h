// Helpers of the router tests: a small directory and targets naming one unit.
#pragma once

#include <string>
#include <utility>

#include "config/model.h"

namespace router_test {

// Two zones (z2 without a working group), two communities and three compounds:
// c1 in z1 (company pm.x, work team, owners' committee, class A), c2 in z2
// (nothing set, class C) and c3 in z2 (in the custody of sd.b, class C).
inline hub::config::Deployment directory_fixture() {
  hub::config::Deployment d;
  d.zones = {{"z1", "第一片区", "sd.a", "cgj.z1", "zg.z1"}, {"z2", "第二片区", "sd.b", "cgj.z2", ""}};
  d.communities = {{"community.one", "一社区", "z1"}, {"community.two", "二社区", "z2"}};
  d.compounds = {{"c1", "甲小区", "community.one", "pm.x", "", "A", "team.c1", "oc.c1"},
                 {"c2", "乙小区", "community.two", "", "", "C", "", ""},
                 {"c3", "丙小区", "community.two", "", "sd.b", "C", "", ""}};
  return d;
}

// A route target naming unit `u`.
inline hub::config::Target unit(std::string u) { return {hub::config::Target::Kind::kUnit, std::move(u)}; }

}  // namespace router_test
