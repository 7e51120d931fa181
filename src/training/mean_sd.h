#pragma once

#include <cmath>
#include <vector>

namespace diffctl {

// A figure over seeds: the mean and the sample standard deviation (n − 1; 0 for one value).
struct MeanSd {
  double mean = 0.0, sd = 0.0;
};

inline MeanSd mean_sd(const std::vector<double>& values) {
  MeanSd result;
  for (double value : values) result.mean += value / static_cast<double>(values.size());
  if (values.size() > 1) {
    for (double value : values) {
      result.sd += (value - result.mean) * (value - result.mean) / static_cast<double>(values.size() - 1);
    }
    result.sd = std::sqrt(result.sd);
  }
  return result;
}

}  // namespace diffctl
