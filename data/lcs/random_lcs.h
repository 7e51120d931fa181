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

// Transitions of a system: x and u drawn as the options say, x⁺ of the exact LCS plus
// observation noise; also the impulses λ (noise-free), for counting contact modes.
struct Transitions {
  torch::Tensor state, input, next_state, lambda;  // (count, ·), float64
};
Transitions sample_transitions(const LCSMatrices& matrices, const RandomLcsOptions& options, int64_t count,
                               at::Generator generator);

}  // namespace diffctl
