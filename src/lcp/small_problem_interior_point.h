#pragma once

#include "src/lcp/interior_point.h"

#include <torch/types.h>

#include <cstdint>

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

// The tensor path's algorithm — normalisation, Mehrotra predictor-corrector, best-iterate
// rule, exact polish at μ = 0, the same summary — run per problem in plain loops over
// compute_threads() threads. The tensor path issues about a hundred LibTorch ops per
// iteration whatever the batch, each costing microseconds of dispatch, which dominates
// problems of a few contacts; here an iteration of an n = 2 problem is a few dozen flops.
// μ must be broadcast to (B, n).
Iterates solve_small_problems(const torch::Tensor& F, const torch::Tensor& q, const torch::Tensor& mu,
                              const SolverOptions& options);

}  // namespace diffctl::lcp
