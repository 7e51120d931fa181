#include "modules/linear_policy.h"

#include "src/export/torchscript_export.h"

namespace diffctl {

LinearPolicyImpl::LinearPolicyImpl(const LinearPolicyOptions& options_) : options(options_) {
  gain = register_parameter(
      "gain", torch::zeros({options.action_dim(), options.state_dim()}, torch::kFloat64));
}

torch::Tensor LinearPolicyImpl::forward(const torch::Tensor& states) {
  return -states.matmul(gain.transpose(0, 1));
}

torch::jit::Module LinearPolicyImpl::to_torchscript() const {
  return make_script_module("LinearPolicy", {{"gain", gain}}, R"JIT(
def forward(self, states: Tensor) -> Tensor:
    return -torch.matmul(states, self.gain.t())
)JIT");
}

}  // namespace diffctl
