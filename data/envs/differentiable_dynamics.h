#pragma once

#include "data/envs/cartpole.h"
#include "modules/lcs_layer.h"
#include "src/lqr/lqr_systems.h"

#include <torch/types.h>

#include <cstdint>
#include <optional>

namespace diffctl {

// Dynamics written in torch ops, batched, so that a return can be backpropagated through
// a rollout (model-based first-order policy gradient): x⁺ = step(x, u) with state (B, n)
// and action (B, m), differentiable in both and in any parameters the model holds.
class DifferentiableDynamics {
 public:
  virtual ~DifferentiableDynamics() = default;
  virtual int64_t state_size() const = 0;
  virtual int64_t action_size() const = 0;
  virtual torch::Tensor step(const torch::Tensor& state, const torch::Tensor& action) const = 0;
};

// x⁺ = A x + B u for a batch of linear systems: one system for the whole batch, or one
// per batch row.
class LqrDynamics : public DifferentiableDynamics {
 public:
  explicit LqrDynamics(LqrSystems systems);
  int64_t state_size() const override { return systems_.state_dim(); }
  int64_t action_size() const override { return systems_.input_dim(); }
  torch::Tensor step(const torch::Tensor& state, const torch::Tensor& action) const override;

 private:
  LqrSystems systems_;
};

// The nonlinear cart-pole (data/envs/cartpole.h) with a force input, one RK4 step of dt
// per call, exactly as the cartpole_balance environment integrates it (without its force
// limit). Pole lengths: one per batch row, or a single one for all.
class CartPoleDynamics : public DifferentiableDynamics {
 public:
  CartPoleDynamics(CartPoleParameters physics, torch::Tensor pole_length, double dt);
  int64_t state_size() const override { return 4; }
  int64_t action_size() const override { return 1; }
  torch::Tensor step(const torch::Tensor& state, const torch::Tensor& action) const override;

 private:
  CartPoleParameters physics_;
  torch::Tensor pole_length_;
  double dt_;
};

// A linear complementarity system as a model: x⁺ of an LCSLayer (its matrices, learnable
// or fixed, and its smoothing mode), differentiable through the layer's implicit LCP
// backward. Randomized smoothing draws from `noise` (the run's generator).
class LcsDynamics : public DifferentiableDynamics {
 public:
  explicit LcsDynamics(LCSLayer layer, std::optional<at::Generator> noise = std::nullopt);
  int64_t state_size() const override { return layer_->options.state_dim(); }
  int64_t action_size() const override { return layer_->options.input_dim(); }
  torch::Tensor step(const torch::Tensor& state, const torch::Tensor& action) const override;
  LCSLayer layer() const { return layer_; }

 private:
  LCSLayer layer_;
  std::optional<at::Generator> noise_;
};

}  // namespace diffctl
