// bench/growth_deployment.h: the deployments of `hub_bench --growth`, one per
// dimension and level, and what each case of them carries.
//
// Every plan has one case type (bench.case of the generic plugin, fields
// `body` and `region`), units that send and units that receive, and a rule for
// case number n sent by sender s: its compound, its payload's region and the
// one unit its route must deliver it to (the bench checks every accepted
// answer against it).
//
//   rules      N routes `{type: bench.case, fields: {"/region": "rNNNNN"}}`,
//              route k to receiver k mod 8; cases spread evenly over the N
//              regions, so the matching rule is spread evenly over the list.
//   compounds  N compounds in the directory, each served by a receiver
//              (company: receiver k mod 8); one route to compound.company;
//              cases spread evenly over the compounds.
//   units      N units, each sending and receiving; compound k's company is
//              unit k, and unit k sends to compound k+1 (one route to
//              compound.company), so every unit receives from one other.
//   history    8 senders, 8 receivers, route sNN → rNN; the level is the
//              number of stored cases preloaded before hubd starts.
//
// plan() is pure (no I/O); write_growth_deployment() writes the YAML and
// checks it with the hub's own config loader.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench_deployment.h"
#include "util/result.h"

namespace hub::bench {

enum class GrowthDimension { kRules, kCompounds, kUnits, kHistory };

const char* dimension_name(GrowthDimension d);

struct GrowthCase {
  std::string compound;  // "" for none
  std::string region;    // "" for none
  int receiver = 0;      // index into GrowthPlan::units of the one unit it must reach
};

struct GrowthPlan {
  GrowthDimension dimension = GrowthDimension::kRules;
  std::int64_t level = 0;
  std::vector<std::string> units;  // every unit that connects
  std::vector<int> senders;        // indices into units
  std::vector<int> receivers;      // indices into units (may overlap senders)

  // Case number n (counted per sender from 0) of sender `senders[s]`.
  GrowthCase case_of(int s, std::uint64_t n) const;
};

GrowthPlan growth_plan(GrowthDimension d, std::int64_t level);

// Units the directory of the compounds and units dimensions names, which
// never connect (their keys must exist all the same).
std::vector<std::string> growth_directory_units();

// Writes <folder>/<tag>/hub.yaml (keys of every unit of the plan must be in
// <folder>/keys) and checks it with config::load_deployment.
Result<ScenarioDeployment> write_growth_deployment(const std::string& folder, const std::string& tag,
                                                   const GrowthPlan& plan, const std::string& conninfo,
                                                   const std::string& module_dir);

}  // namespace hub::bench
