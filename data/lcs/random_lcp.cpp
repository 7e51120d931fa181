#include "data/lcs/random_lcp.h"

#include <torch/torch.h>

namespace diffctl {

namespace {

torch::Tensor uniform(at::IntArrayRef shape, at::Generator& generator, const torch::TensorOptions& options) {
  return torch::rand(shape, generator, options.device(torch::kCPU)) * 2.0 - 1.0;
}

}  // namespace

torch::Tensor random_p_matrices(int64_t batch, int64_t n, at::Generator generator, torch::TensorOptions options) {
  const torch::Tensor G = uniform({batch, n, n}, generator, options);
  const torch::Tensor H = uniform({batch, n, n}, generator, options);
  const torch::Tensor F = G.matmul(G.transpose(-1, -2)) + H - H.transpose(-1, -2) +
                          0.5 * torch::eye(n, options.device(torch::kCPU));
  return F.to(options.device());
}

LcpBatch random_p_matrix_lcps(int64_t batch, int64_t n, at::Generator generator,
                              torch::TensorOptions options) {
  const torch::Tensor F = random_p_matrices(batch, n, generator, options);
  const torch::Tensor q = 10.0 * uniform({batch, n}, generator, options);
  return {F, q.to(options.device())};
}

}  // namespace diffctl
