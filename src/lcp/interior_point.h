#pragma once

#include <torch/types.h>

#include <optional>

namespace diffctl::lcp {

// Options of the batched primal-dual interior-point LCP solver (Ceres style: defaults in
// class, check with validate()).
// The target centering μ is an input of solve(), not an option: λ ≥ 0, w = Fλ + q ≥ 0 with
// λ ∘ w = μ (μ = 0: the exact LCP).
struct SolverOptions {
  // On the residuals of the problem normalised to max|F| = max|q| = 1 (scale-free):
  // primal max|Fλ + q − w| / (1 + max|q|), complementarity max|λᵢwᵢ − μᵢ| / (1 + μᵢ).
  // Unset: 1e-10 in float64, 1e-5 in float32.
  std::optional<double> tolerance;
  int64_t max_iterations = 100;
  // Fraction of the distance to the boundary λ, w ≥ 0 a step may cover.
  double fraction_to_boundary = 0.995;
  // The backward differentiates λ ∘ (Fλ + q) = μ with λ and w replaced by λ + ε and
  // w + ε in the Jacobian rows, ε = gradient_floor. Where strict complementarity holds
  // this changes nothing measurable (ε ≪ λᵢ + wᵢ); at a degenerate index (λᵢ = wᵢ = 0,
  // where μ = 0 leaves the Jacobian undefined) row i becomes the average of the two
  // one-sided conditions dλᵢ = 0 and (F dλ + dq)ᵢ = 0, so gradients are always finite.
  double gradient_floor = 1e-12;
  // Small problems (n ≤ 8, float64) on the CPU run problem by problem in plain loops
  // (small_problem_interior_point.h): the same iterates and summary without the per-op
  // dispatch of the batched tensor code. False: always the tensor path.
  bool fused_small_problems = true;

  // Throws InputError naming the first invalid field.
  void validate() const;
  double tolerance_for(torch::ScalarType dtype) const;
};

// Per batch element, like Ceres' Solver::Summary.
struct SolverSummary {
  torch::Tensor converged;                 // bool (B)
  torch::Tensor iterations;                // int64 (B)
  torch::Tensor primal_residual;           // (B) at the returned λ, as in SolverOptions::tolerance
  torch::Tensor complementarity_residual;  // (B)
};

struct Solution {
  torch::Tensor lambda;  // (B, n), differentiable in F, q and a tensor μ
  torch::Tensor w;       // (B, n) = Fλ + q, differentiable as well
  SolverSummary summary;
};

// Solves LCP(F, q) with centering μ (the first overload: μ = 0, the exact LCP) for a batch: F (B, n, n), q (B, n), μ broadcastable to
// (B, n) (a scalar, one per problem as (B, 1), or one per contact as (B, n)). Mehrotra
// predictor-corrector with one LU of the n×n matrix diag(w) + diag(λ)F per iteration and
// problem. A problem that does not converge is flagged in the summary and returns its
// best iterate; outputs are never NaN. Gradients by the implicit function theorem
// (src/implicit/implicit_function.h): no graph through the iterations.
// F must be a P-matrix; a non-finite input, a non-positive diagonal of F or μ < 0 is an
// InputError.
Solution solve(const torch::Tensor& F, const torch::Tensor& q, const SolverOptions& options = {});
Solution solve(const torch::Tensor& F, const torch::Tensor& q, const torch::Tensor& mu,
               const SolverOptions& options = {});

// The same iterations recorded by autograd (gradients by unrolling): the baseline the
// implicit backward is compared with in tests and benchmarks. Memory grows with the
// iteration count.
Solution solve_unrolled(const torch::Tensor& F, const torch::Tensor& q, const torch::Tensor& mu,
                        const SolverOptions& options = {});

}  // namespace diffctl::lcp
