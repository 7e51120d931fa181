#pragma once

#include <torch/types.h>

#include <functional>

namespace diffctl {

// The weight flow of ODEtoODE (ode-to-ode.md eq. 2, Euler on O(n) by the exponential map):
// W_i = W_{i−1} · expm(h · B_i) for skew-symmetric B_i, from W₀ (K, n, n) on O(n); every
// W_i stays orthogonal up to rounding. Returns W₁, …, W_N as (K, N, n, n).

// B_i known up front (gated-ODEtoODE: b_ψ depends on time alone), as (K, N, n, n): the N
// exponentials are one batched taylor_matrix_exp (src/linalg/taylor_matrix_exp.h; the
// steps are small, and its backward is a few matmuls), then a running product.
torch::Tensor orthogonal_flow(const torch::Tensor& start, const torch::Tensor& generators, double step);

// B_i = generator(i, W_{i−1}) depends on the weights (ISO-ODEtoODE): one step after another.
torch::Tensor orthogonal_flow(const torch::Tensor& start,
                              const std::function<torch::Tensor(int64_t step_index, const torch::Tensor& W)>& generator,
                              int64_t steps, double step);

}  // namespace diffctl
