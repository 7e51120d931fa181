#pragma once

#include <torch/types.h>

namespace diffctl {

// A batch of N linear systems x⁺ = A x + B u with quadratic cost xᵀQx + uᵀRu and the
// covariance Σ of the initial state (or of the process noise, for the average cost):
// A (N,n,n), B (N,n,m), Q (N,n,n), R (N,m,m), Sigma (N,n,n).
struct LqrSystems {
  torch::Tensor A, B, Q, R, Sigma;

  int64_t size() const { return A.size(0); }
  int64_t state_dim() const { return A.size(-1); }
  int64_t input_dim() const { return B.size(-1); }

  LqrSystems to(const torch::TensorOptions& options) const;
  // The systems at `index` (1-D integer tensor), in that order.
  LqrSystems select(const torch::Tensor& index) const;
  // Each system `times` times in a row.
  LqrSystems repeat_each(int64_t times) const;
  // (√γ A, √γ B) with one discount γ per system: the discounted problem as an undiscounted one.
  LqrSystems damped(const torch::Tensor& gamma) const;
  // Checks shapes agree; throws InputError naming `what` otherwise.
  void check(const std::string& what) const;
};

}  // namespace diffctl
