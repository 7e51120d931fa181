#pragma once

#include "src/lqr/lqr_systems.h"

#include <torch/types.h>

namespace diffctl {

struct LqrCost {
  torch::Tensor cost;    // (N): C(K) = tr(P_K Σ), +inf where u = −Kx does not stabilize
  torch::Tensor stable;  // bool (N)
  torch::Tensor P;       // (N,n,n): cost-to-go, P = Q + KᵀRK + (A−BK)ᵀ P (A−BK)
};

// Cost of the linear policy u = −Kx on every system; K is (m,n) or one gain per system
// (N,m,n). Differentiable in K and in every system matrix through the implicit
// Lyapunov layer; unstable systems contribute +inf to the cost and nothing to gradients.
LqrCost lqr_cost(const LqrSystems& systems, const torch::Tensor& K);

// Σ_K = Σ + (A−BK) Σ_K (A−BK)ᵀ: the closed-loop state correlation (zero where unstable).
torch::Tensor closed_loop_state_correlation(const LqrSystems& systems, const torch::Tensor& K);

}  // namespace diffctl
