#pragma once

#include "modules/policy.h"

#include <torch/nn/pimpl.h>

#include <cstdint>

namespace diffctl {

class ConfigReader;

struct LinearPolicyOptions {
  LinearPolicyOptions(int64_t state_dim, int64_t action_dim)
      : state_dim_(state_dim), action_dim_(action_dim) {}
  TORCH_ARG(int64_t, state_dim);
  TORCH_ARG(int64_t, action_dim);
  // Observation clipping after normalisation (0: none); the normaliser is the identity
  // until statistics are merged in.
  TORCH_ARG(double, observation_clip) = 0.0;

 public:  // TORCH_ARG leaves the section private
  // Reads observation_clip; the sizes come from the environment.
  static LinearPolicyOptions from_config(ConfigReader& reader, int64_t state_dim, int64_t action_dim);
};

// u = −K x̂ on normalised observations x̂, with the gain K (action_dim × state_dim) a free
// parameter initialised to zero. With the identity normaliser this is the LQR policy.
class LinearPolicyImpl : public PolicyImpl {
 public:
  explicit LinearPolicyImpl(const LinearPolicyOptions& options);

  LinearPolicyOptions options;
  torch::Tensor gain;

 protected:
  torch::Tensor act(const ParameterBatch& parameters, const torch::Tensor& observations) const override;
  std::string torchscript_act() const override;
  std::string export_name() const override { return "LinearPolicy"; }
};
TORCH_MODULE(LinearPolicy);

}  // namespace diffctl
