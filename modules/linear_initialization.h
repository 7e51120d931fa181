#pragma once

#include <torch/types.h>

#include <cmath>
#include <vector>

namespace diffctl {

// torch::nn::Linear's initialisation of weights and biases: uniform in ±1/√fan_in, float64,
// drawn from `source` (the global generator when empty).
inline torch::Tensor linear_uniform(std::vector<int64_t> shape, int64_t fan_in,
                                    const c10::optional<at::Generator>& source) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  return torch::rand(shape, source, torch::kFloat64) * (2.0 * bound) - bound;
}

}  // namespace diffctl
