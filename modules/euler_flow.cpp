#include "modules/euler_flow.h"

namespace diffctl {

std::vector<torch::Tensor> absolute_euler_flow(const torch::Tensor& start, const torch::Tensor& weights,
                                               const torch::Tensor& biases, double step) {
  const bool per_step_bias = biases.dim() == 3;
  std::vector<torch::Tensor> states{start};
  for (int64_t i = 0; i < weights.size(1); ++i) {
    const auto bias = (per_step_bias ? biases.select(1, i) : biases).unsqueeze(1);
    const auto& x = states.back();
    states.push_back(x + step * torch::abs(torch::baddbmm(bias, x, weights.select(1, i).transpose(1, 2))));
  }
  return states;
}

}  // namespace diffctl
