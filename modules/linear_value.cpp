#include "modules/linear_value.h"

#include <torch/torch.h>

namespace diffctl {

LinearValueImpl::LinearValueImpl(const LinearValueOptions& options_) : options(options_) {
  theta = register_parameter("theta", torch::zeros({options.num_features()}, torch::kFloat64));
}

LinearValueImpl::LinearValueImpl(MarkovRewardChain& chain)
    : options(chain->options.num_states()) {
  torch::NoGradGuard no_grad;
  theta = register_parameter("theta", chain->forward().detach().clone());
}

torch::Tensor LinearValueImpl::forward() { return theta; }

}  // namespace diffctl
