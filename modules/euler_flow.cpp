#include "modules/euler_flow.h"

namespace diffctl {

std::vector<torch::Tensor> absolute_euler_flow(const torch::Tensor& start, const torch::Tensor& weights,
                                               const torch::Tensor& biases, double step) {
  const bool per_step_bias = biases.dim() == 3;
  // unbind, not select per step: each select's backward fills a gradient of the whole
  // (K, N, …) tensor, quadratic in the number of steps.
  const std::vector<torch::Tensor> step_weights = weights.unbind(1);
  const std::vector<torch::Tensor> step_biases = per_step_bias ? biases.unbind(1) : std::vector<torch::Tensor>{};
  std::vector<torch::Tensor> states{start};
  for (size_t i = 0; i < step_weights.size(); ++i) {
    const auto bias = (per_step_bias ? step_biases[i] : biases).unsqueeze(1);
    const auto& x = states.back();
    states.push_back(x + step * torch::abs(torch::baddbmm(bias, x, step_weights[i].transpose(1, 2))));
  }
  return states;
}

}  // namespace diffctl
