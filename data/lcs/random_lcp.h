#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

namespace diffctl {

struct LcpBatch {
  torch::Tensor F;  // (B, n, n), a P-matrix each
  torch::Tensor q;  // (B, n)
};

// F = GGᵀ + H − Hᵀ + 0.5 I with G, H entries U(−1, 1): (batch, n, n) P-matrices.
torch::Tensor random_p_matrices(int64_t batch, int64_t n, at::Generator generator,
                                torch::TensorOptions options = torch::kFloat64);

// The random P-matrix LCPs of the Learning-LCS benchmark: F = GGᵀ + H − Hᵀ + 0.5 I with
// G, H entries U(−1, 1) (symmetric part ⪰ 0.5 I, hence a P-matrix), q ~ 10·U(−1, 1).
LcpBatch random_p_matrix_lcps(int64_t batch, int64_t n, at::Generator generator,
                              torch::TensorOptions options = torch::kFloat64);

}  // namespace diffctl
