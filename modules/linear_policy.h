#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/script.h>
#include <torch/types.h>

#include <cstdint>

namespace diffctl {

struct LinearPolicyOptions {
  LinearPolicyOptions(int64_t state_dim, int64_t action_dim)
      : state_dim_(state_dim), action_dim_(action_dim) {}
  TORCH_ARG(int64_t, state_dim);
  TORCH_ARG(int64_t, action_dim);
};

// u = −K x, with the gain K (action_dim × state_dim) a parameter (initialised to zero).
class LinearPolicyImpl : public torch::nn::Module {
 public:
  explicit LinearPolicyImpl(const LinearPolicyOptions& options);

  // states (B, state_dim) -> actions (B, action_dim)
  torch::Tensor forward(const torch::Tensor& states);
  // The same map as a TorchScript module (DESIGN.md "TorchScript export").
  torch::jit::Module to_torchscript() const;

  LinearPolicyOptions options;
  torch::Tensor gain;
};
TORCH_MODULE(LinearPolicy);

}  // namespace diffctl
