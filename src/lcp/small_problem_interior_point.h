#pragma once

#include "src/lcp/interior_point.h"

#include <torch/types.h>

#include <cstdint>
#include <optional>

namespace diffctl::lcp {

// The interior-point result before the implicit layer wraps it: the best iterate per
// problem and its summary, from either path below.
struct Iterates {
  torch::Tensor lambda;
  torch::Tensor w;
  torch::Tensor converged;
  torch::Tensor iterations;
  torch::Tensor primal_residual;
  torch::Tensor complementarity_residual;
};

// Problems up to this size take the fused path on the CPU.
constexpr int64_t kSmallProblemMaxSize = 8;

// True when solve() runs F (B, n, n), q (B, n) problem by problem: CPU float64, n ≤ 8,
// options.fused_small_problems, and no autograd graph to record (the unrolled baseline
// needs the tensor path).
bool takes_small_problem_path(const torch::Tensor& F, const torch::Tensor& q, const torch::Tensor& mu,
                              const SolverOptions& options);

// The LU factors (torch::linalg_lu_factor_ex's layout: L and U in one matrix, 1-based
// row interchanges) of the implicit layer's Jacobian at the solution, whose rows are
// (ŵᵢ eᵢ + λ̂ᵢ Fᵢ)/(λ̂ᵢ + ŵᵢ) with λ̂ = λ + ε, ŵ = max(Fλ + q, 0) + ε.
struct JacobianFactors {
  torch::Tensor lu;        // (B, n, n)
  torch::Tensor pivots;    // (B, n) int32
  torch::Tensor factored;  // (B) bool: false where a pivot was exactly zero
};

struct SmallProblemSolution {
  Iterates iterates;
  JacobianFactors jacobian;  // defined when asked for
};

// The tensor path's algorithm — normalisation, Mehrotra predictor-corrector, best-iterate
// rule, exact polish at μ = 0, the same summary — run per problem in plain loops over
// compute_threads() threads. The tensor path issues about a hundred LibTorch ops per
// iteration whatever the batch, each costing microseconds of dispatch, which dominates
// problems of a few contacts; here an iteration of an n = 2 problem is a few dozen flops.
// μ must be broadcast to (B, n). With gradient_floor ε ≥ 0 it also factorises the
// Jacobian above, per problem, which a batched LAPACK call would do one small matrix at a
// time.
SmallProblemSolution solve_small_problems(const torch::Tensor& F, const torch::Tensor& q, const torch::Tensor& mu,
                                          const SolverOptions& options, std::optional<double> gradient_floor = {});

// True when solve_jacobian_transposed can run: CPU float64 factors of n ≤ 8 and a right-hand
// side that records no graph.
bool takes_small_adjoint_path(const JacobianFactors& factors, const torch::Tensor& rhs);

// v with Jᵀ v = rhs (B, n) for the factors above; 0 where a factorisation failed.
torch::Tensor solve_jacobian_transposed(const JacobianFactors& factors, const torch::Tensor& rhs);

}  // namespace diffctl::lcp
