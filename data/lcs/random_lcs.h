#pragma once

#include "src/lcp/lcs_dynamics.h"

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>

namespace diffctl {

// The random LCS benchmark of "Learning linear complementarity systems" (Jin et al.):
// every entry of A, B, C, D, E, c, d drawn from U(−1, 1), and F a random_p_matrices one.
struct RandomLcsOptions {
  int64_t state_dim = 4;    // n_x
  int64_t input_dim = 2;    // n_u
  int64_t contact_dim = 4;  // n_λ
  double state_range = 10.0;  // x ~ state_range · U(−1, 1)
  double input_range = 5.0;   // u ~ input_range · U(−1, 1)
  double observation_noise = 1e-2;  // added to x⁺ (Gaussian standard deviation)
};

LCSMatrices random_lcs(const RandomLcsOptions& options, at::Generator generator);

// Transitions of a system: x and u uniform in boxes, x⁺ of the exact LCS (λ by Lemke's
// method) plus Gaussian observation noise; also the noise-free impulses λ, for counting
// contact modes.
struct Transitions {
  torch::Tensor state, input, next_state, lambda;  // (count, ·), float64
};
struct TransitionSampling {
  torch::Tensor state_bounds;  // (n_x): x_j ~ U(−bound_j, bound_j)
  double input_range = 1.0;    // u_j ~ U(−input_range, input_range)
  double observation_noise = 0.0;
};
Transitions sample_transitions(const LCSMatrices& matrices, const TransitionSampling& sampling, int64_t count,
                               at::Generator generator);
// The benchmark's sampling: x ~ state_range · U(−1, 1), u ~ input_range · U(−1, 1).
TransitionSampling benchmark_sampling(const RandomLcsOptions& options);

}  // namespace diffctl
