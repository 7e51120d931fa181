#include "modules/linear_policy.h"

#include "src/config/config_reader.h"

namespace diffctl {

LinearPolicyOptions LinearPolicyOptions::from_config(ConfigReader& reader, int64_t state_dim, int64_t action_dim) {
  return LinearPolicyOptions(state_dim, action_dim).observation_clip(reader.number("observation_clip", 0.0, 0.0));
}

LinearPolicyImpl::LinearPolicyImpl(const LinearPolicyOptions& options_)
    : PolicyImpl(options_.state_dim(), options_.action_dim(),
                 ObservationNormalizerOptions(options_.state_dim()).clip(options_.observation_clip())),
      options(options_) {
  gain = register_policy_parameter(
      "gain", torch::zeros({options.action_dim(), options.state_dim()}, torch::kFloat64), Manifold::free);
}

torch::Tensor LinearPolicyImpl::act(const ParameterBatch& parameters, const torch::Tensor& observations) const {
  return -torch::matmul(observations, parameters["gain"].transpose(-1, -2));
}

std::string LinearPolicyImpl::torchscript_act() const {
  return "def act(self, x: Tensor) -> Tensor:\n"
         "    return -torch.matmul(x, self.gain.t())\n";
}

}  // namespace diffctl
