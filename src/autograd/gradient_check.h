#pragma once

#include <torch/types.h>

#include <functional>
#include <string>
#include <vector>

namespace diffctl {

struct GradientCheckOptions {
  double step = 1e-6;            // central-difference step
  double absolute_tolerance = 1e-6;
  double relative_tolerance = 1e-5;
  uint64_t seed = 0;             // of the random output weighting
};

struct GradientCheckResult {
  bool passed = true;
  // One line per input: largest |analytic − numeric| against the tolerance; and, for the
  // first input that failed, both gradients.
  std::string report;
};

// LibTorch has no C++ gradcheck: this compares the backward of `function` with central
// finite differences of Σ w ⊙ function(inputs) for a random weighting w, for every input
// with requires_grad. Use float64 inputs.
GradientCheckResult check_gradients(
    const std::function<torch::Tensor(const std::vector<torch::Tensor>&)>& function,
    const std::vector<torch::Tensor>& inputs, const GradientCheckOptions& options = {});

}  // namespace diffctl
