#include "modules/orthogonal_flow.h"

#include <torch/linalg.h>

#include <vector>

namespace diffctl {

torch::Tensor orthogonal_flow(const torch::Tensor& start, const torch::Tensor& generators, double step) {
  const torch::Tensor factors = torch::linalg::matrix_exp(step * generators);
  std::vector<torch::Tensor> flow;
  torch::Tensor W = start;
  for (int64_t i = 0; i < factors.size(1); ++i) flow.push_back(W = W.matmul(factors.select(1, i)));
  return torch::stack(flow, 1);
}

torch::Tensor orthogonal_flow(const torch::Tensor& start,
                              const std::function<torch::Tensor(int64_t step_index, const torch::Tensor& W)>& generator,
                              int64_t steps, double step) {
  std::vector<torch::Tensor> flow;
  torch::Tensor W = start;
  for (int64_t i = 0; i < steps; ++i) flow.push_back(W = W.matmul(torch::linalg::matrix_exp(step * generator(i, W))));
  return torch::stack(flow, 1);
}

}  // namespace diffctl
