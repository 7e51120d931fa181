#pragma once

#include "src/lqr/lqr_systems.h"

#include <torch/types.h>

namespace diffctl {

struct SampleAverageMinimumOptions {
  // Converged when ‖∇J‖_F · ‖K‖_F ≤ relative_gradient_tolerance · J (scale-free).
  double relative_gradient_tolerance = 1e-9;
  int64_t max_iterations = 100;
};

struct SampleAverageMinimum {
  torch::Tensor gain;  // (m, n), float64
  double cost = 0.0;   // J at gain
  double relative_gradient_norm = 0.0;
  int64_t iterations = 0;
};

// min_K J(K) = (1/N) Σ_i C_i(K) over a fixed batch of systems, from a gain that stabilises
// all of them, by Newton's method: exact gradients through the implicit Lyapunov layer,
// the Hessian from central differences of those gradients (m·n is small for control),
// shifted to positive definite when it is not, and an Armijo backtracking line search
// that also rejects steps leaving the stable set (J = +∞ there). A deterministic
// reference for the domain-randomized optimum. Throws InputError when the initial gain
// does not stabilise every system, Error when it does not converge.
SampleAverageMinimum minimize_sample_average_cost(const LqrSystems& systems, const torch::Tensor& initial_gain,
                                                  const SampleAverageMinimumOptions& options = {});

}  // namespace diffctl
