#pragma once

#include "data/envs/differentiable_dynamics.h"
#include "modules/linear_policy.h"
#include "modules/policy.h"

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>

namespace diffctl {

// The quadratic stage cost xᵀQx + uᵀRu with diagonal weights.
struct QuadraticCost {
  torch::Tensor state_weights;  // (n): the diagonal of Q
  double input_weight = 1.0;    // R = input_weight · I
};

struct ModelRolloutOptions {
  int64_t horizon = 100;           // H
  double discount = 1.0;           // γ
  double exploration_noise = 0.0;  // σ of the reparameterized exploration u = π(x) + σς
};

// The per-rollout discounted costs Σ_{t<H} γᵗ (xₜᵀQxₜ + uₜᵀRuₜ) of M model rollouts
// x₀ = initial_states (M, n), uₜ = π(xₜ) + σ ςₜ with ς = exploration (H, M, m) standard normal
// draws, xₜ₊₁ = model.step(xₜ, uₜ): the return of model-based first-order policy gradient
// (lcs-first-order-policy-gradient.md eq. 3.2, as a cost), differentiable in the policy's
// parameters through the model. Returns (M); a rollout that diverges gives a non-finite cost.
torch::Tensor model_rollout_costs(const DifferentiableDynamics& model, PolicyImpl& policy,
                                  const torch::Tensor& initial_states, const torch::Tensor& exploration,
                                  const QuadraticCost& cost, const ModelRolloutOptions& options);

// The cart-pole with soft walls task (data/envs/cartpole_soft_walls.h): its stage cost, its
// initial states (count, 4) uniform in the task's box, and its LQR baseline as a LinearPolicy.
QuadraticCost cartpole_soft_walls_cost();
torch::Tensor cartpole_soft_walls_initial_states(int64_t count, at::Generator& generator);
LinearPolicy cartpole_soft_walls_lqr_policy();

}  // namespace diffctl
