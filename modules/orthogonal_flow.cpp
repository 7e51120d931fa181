#include "modules/orthogonal_flow.h"

#include "src/linalg/taylor_matrix_exp.h"

#include <torch/linalg.h>

#include <vector>

namespace diffctl {

torch::Tensor orthogonal_flow(const torch::Tensor& start, const torch::Tensor& generators, double step) {
  const torch::Tensor factors = taylor_matrix_exp(step * generators);
  std::vector<torch::Tensor> flow;
  torch::Tensor W = start;
  // unbind, not select in the loop: N selects would each backpropagate a zero-filled
  // (K, N, n, n) gradient, quadratic in N.
  for (const auto& factor : factors.unbind(1)) flow.push_back(W = W.matmul(factor));
  return torch::stack(flow, 1);
}

torch::Tensor orthogonal_flow(const torch::Tensor& start,
                              const std::function<torch::Tensor(int64_t step_index, const torch::Tensor& W)>& generator,
                              int64_t steps, double step) {
  std::vector<torch::Tensor> flow;
  torch::Tensor W = start;
  // ES evaluates this flow without a backward, where torch::linalg::matrix_exp is as fast, and
  // the shipped ES configs' figures were checked across CPUs with its rounding.
  for (int64_t i = 0; i < steps; ++i) flow.push_back(W = W.matmul(torch::linalg::matrix_exp(step * generator(i, W))));
  return torch::stack(flow, 1);
}

}  // namespace diffctl
