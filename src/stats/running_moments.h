#pragma once

#include <cstdint>
#include <vector>

namespace diffctl {

// Count, mean and sum of squared deviations of a stream of vectors (Welford), mergeable
// across workers with Chan et al.'s pairwise formula: merging the moments of two parts
// gives the moments of the whole, so workers each summarise their own observations and
// one merge in a fixed order makes the result independent of the number of workers.
class RunningMoments {
 public:
  explicit RunningMoments(int64_t size = 0);
  RunningMoments(double count, std::vector<double> mean, std::vector<double> squared_deviations);

  void add(const double* sample);
  void merge(const RunningMoments& other);

  int64_t size() const { return static_cast<int64_t>(mean_.size()); }
  double count() const { return count_; }
  const std::vector<double>& mean() const { return mean_; }
  const std::vector<double>& squared_deviations() const { return squared_deviations_; }
  // Population variance (zero before two samples).
  std::vector<double> variance() const;

 private:
  double count_ = 0.0;
  std::vector<double> mean_;
  std::vector<double> squared_deviations_;
};

}  // namespace diffctl
