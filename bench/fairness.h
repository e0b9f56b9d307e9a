// bench/fairness.h: the verdict of hub_bench --fairness.
//
// The seven quiet units (kQuietRate cases/s each) must keep their end-to-end
// p99 within max(2 x, + 5 ms) of what it is without the flood, while bench.s01
// floods the hub as fast as its connection takes messages.
#pragma once

#include <ostream>
#include <vector>

#include "metrics.h"

namespace hub::bench {

// Prints the comparison of "fair/quiet" and "fair/flood" from `results`;
// false when the verdict fails or a scenario is missing.
bool print_fairness_verdict(std::ostream& out, const std::vector<ScenarioResult>& results);

}  // namespace hub::bench
