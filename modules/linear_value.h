#pragma once

#include "modules/markov_reward_chain.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <cstdint>

namespace diffctl {

struct LinearValueOptions {
  explicit LinearValueOptions(int64_t num_features) : num_features_(num_features) {}
  TORCH_ARG(int64_t, num_features);
};

// The explicit baseline of implicit-value-estimators.md: V̂(s) = φ(s)ᵀθ with θ stored
// directly (a parameter, zero unless initialised otherwise).
class LinearValueImpl : public torch::nn::Module {
 public:
  explicit LinearValueImpl(const LinearValueOptions& options);
  // θ₀ = the chain's current solution θ̂, so both parameterizations start from one θ.
  explicit LinearValueImpl(MarkovRewardChain& chain);

  torch::Tensor forward();  // θ (k)

  LinearValueOptions options;
  torch::Tensor theta;
};
TORCH_MODULE(LinearValue);

}  // namespace diffctl
