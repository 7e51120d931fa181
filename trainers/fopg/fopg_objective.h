#pragma once

#include "data/envs/contact_task.h"
#include "data/envs/differentiable_dynamics.h"
#include "modules/policy.h"

#include <torch/types.h>

#include <cstdint>

namespace diffctl {

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

}  // namespace diffctl
