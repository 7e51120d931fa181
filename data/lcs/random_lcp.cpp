#include "data/lcs/random_lcp.h"

#include <torch/torch.h>

namespace diffctl {

LcpBatch random_p_matrix_lcps(int64_t batch, int64_t n, at::Generator generator,
                              torch::TensorOptions options) {
  auto uniform = [&](at::IntArrayRef shape) {
    return torch::rand(shape, generator, options.device(torch::kCPU)) * 2.0 - 1.0;
  };
  const torch::Tensor G = uniform({batch, n, n});
  const torch::Tensor H = uniform({batch, n, n});
  const torch::Tensor F = G.matmul(G.transpose(-1, -2)) + H - H.transpose(-1, -2) +
                          0.5 * torch::eye(n, options.device(torch::kCPU));
  const torch::Tensor q = 10.0 * uniform({batch, n});
  return {F.to(options.device()), q.to(options.device())};
}

}  // namespace diffctl
