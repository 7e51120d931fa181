#pragma once

#include "src/stats/running_moments.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <cstdint>
#include <string>

namespace diffctl {

struct ObservationNormalizerOptions {
  explicit ObservationNormalizerOptions(int64_t observation_size) : observation_size_(observation_size) {}
  TORCH_ARG(int64_t, observation_size);
  // Normalised observations are clamped to [-clip, clip]; 0 leaves them unclamped.
  TORCH_ARG(double, clip) = 0.0;
  // Components whose standard deviation is below this are only centred (ARS keeps them
  // unscaled rather than dividing by ~0).
  TORCH_ARG(double, min_std) = 1e-8;
};

// (x − mean) / std from running statistics of the observations a policy has seen
// (ARS-style). The identity until statistics are merged in; workers collect
// RunningMoments of their rollouts and the trainer merges them here. The statistics are
// buffers, so they are saved, moved and exported with the policy.
class ObservationNormalizerImpl : public torch::nn::Module {
 public:
  explicit ObservationNormalizerImpl(const ObservationNormalizerOptions& options);

  // observations (..., observation_size), in the buffers' dtype.
  torch::Tensor forward(const torch::Tensor& observations) const;
  void merge(const RunningMoments& moments);
  // Sets the statistics to `moments` exactly (a checkpoint's; merging them into empty
  // statistics would round the mean).
  void restore(const RunningMoments& moments);
  RunningMoments moments() const;
  // TorchScript statements normalising `variable` in place, reading the buffers below.
  std::string torchscript_statements(const std::string& variable, const std::string& indent) const;

  ObservationNormalizerOptions options;
  torch::Tensor count;               // scalar
  torch::Tensor mean;                // (observation_size)
  torch::Tensor squared_deviations;  // (observation_size)
  torch::Tensor inverse_std;         // (observation_size), kept in step with the statistics

 private:
  const RunningMoments& checked(const RunningMoments& moments) const;
};
TORCH_MODULE(ObservationNormalizer);

}  // namespace diffctl
