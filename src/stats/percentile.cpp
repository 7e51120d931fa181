#include "src/stats/percentile.h"

#include "src/error.h"

#include <algorithm>
#include <cmath>

namespace diffctl {

double percentile(std::vector<double> values, double q) {
  if (values.empty()) throw Error("percentile: no values");
  std::sort(values.begin(), values.end());
  const double position = q / 100.0 * static_cast<double>(values.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, values.size() - 1);
  const double weight = position - static_cast<double>(below);
  if (weight == 0.0 || values[below] == values[above]) return values[below];
  if (std::isinf(values[above])) return values[above];
  return values[below] + weight * (values[above] - values[below]);
}

}  // namespace diffctl
