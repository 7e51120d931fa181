#pragma once

#include <vector>

namespace diffctl {

// The q-th percentile (0..100) with linear interpolation between order statistics (as
// numpy's default); +inf entries sort last and an interpolation touching one is +inf.
double percentile(std::vector<double> values, double q);

}  // namespace diffctl
