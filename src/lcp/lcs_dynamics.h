#pragma once

#include "src/lcp/smoothing.h"

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <optional>

namespace diffctl {

// The matrices of a linear complementarity system (paper eq. 2.1)
//   x⁺ = A x + B u + C λ + c,   λ ∘ (D x + E u + F λ + d) = μ·1,   λ, Dx + Eu + Fλ + d ≥ 0,
// unbatched (A: (dx, dx), B: (dx, du), C: (dx, dλ), D: (dλ, dx), E: (dλ, du), F: (dλ, dλ),
// c: (dx), d: (dλ)) or with the batch dimension of x in front.
struct LCSMatrices {
  torch::Tensor A, B, C, D, E, F, c, d;

  // InputError naming the first matrix whose shape does not fit the others.
  void validate() const;
};

struct LCSStep {
  torch::Tensor next_state;  // x⁺ (B, dx)
  torch::Tensor lambda;      // the contact impulse λ (B, dλ)
  torch::Tensor z;           // D x + E u + d (B, dλ): the contact's distance-like input
  lcp::SolverSummary summary;
};

// One step of the LCS for a batch x (B, dx), u (B, du), with λ = S(z) smoothed as
// `smoothing` says on top of the base centering μ (broadcastable to (B, dλ)). Differentiable
// in every matrix, x, u and μ: autograd through the linear parts, the implicit LCP
// backward for λ. Randomized smoothing draws its noise from `noise` (lcp::solve_smoothed).
LCSStep lcs_step(const LCSMatrices& matrices, const torch::Tensor& x, const torch::Tensor& u,
                 const torch::Tensor& mu, const lcp::SmoothingOptions& smoothing,
                 std::optional<at::Generator> noise = std::nullopt);

}  // namespace diffctl
