#include "src/stats/running_moments.h"

#include "src/error.h"

#include <string>

namespace diffctl {

RunningMoments::RunningMoments(int64_t size)
    : mean_(static_cast<size_t>(size), 0.0), squared_deviations_(static_cast<size_t>(size), 0.0) {}

RunningMoments::RunningMoments(double count, std::vector<double> mean, std::vector<double> squared_deviations)
    : count_(count), mean_(std::move(mean)), squared_deviations_(std::move(squared_deviations)) {
  if (mean_.size() != squared_deviations_.size()) {
    throw Error("RunningMoments: mean and squared deviations differ in size");
  }
}

void RunningMoments::add(const double* sample) {
  count_ += 1.0;
  for (size_t i = 0; i < mean_.size(); ++i) {
    const double delta = sample[i] - mean_[i];
    mean_[i] += delta / count_;
    squared_deviations_[i] += delta * (sample[i] - mean_[i]);
  }
}

void RunningMoments::merge(const RunningMoments& other) {
  if (other.size() != size()) {
    throw Error("RunningMoments::merge: sizes " + std::to_string(size()) + " and " +
                std::to_string(other.size()) + " differ");
  }
  if (other.count_ == 0.0) return;
  const double total = count_ + other.count_;
  for (size_t i = 0; i < mean_.size(); ++i) {
    const double delta = other.mean_[i] - mean_[i];
    mean_[i] += delta * other.count_ / total;
    squared_deviations_[i] += other.squared_deviations_[i] + delta * delta * count_ * other.count_ / total;
  }
  count_ = total;
}

std::vector<double> RunningMoments::variance() const {
  std::vector<double> result(mean_.size(), 0.0);
  if (count_ < 2.0) return result;
  for (size_t i = 0; i < result.size(); ++i) result[i] = squared_deviations_[i] / count_;
  return result;
}

}  // namespace diffctl
