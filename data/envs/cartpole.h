#pragma once

#include <torch/types.h>

namespace diffctl {

// Cart (mass M, viscous track friction b_x) carrying a point-mass pole (mass m at
// distance ℓ, viscous joint friction b_θ); θ = 0 is upright (domain-randomized-lqr-sgd.md,
// appendix VIII-F):
//   (M + m) ẍ + m ℓ cosθ θ̈ − m ℓ θ̇² sinθ = F − b_x ẋ
//   m ℓ cosθ ẍ + m ℓ² θ̈ − m g ℓ sinθ     = − b_θ θ̇
// State (x, θ, ẋ, θ̇), input the force F.
struct CartPoleParameters {
  double cart_mass = 1.0;
  double pole_mass = 0.1;
  double track_friction = 0.25;
  double joint_friction = 0.01;
  double gravity = 9.81;
};

// ṡ = f(s, F; ℓ) for a batch: state (N,4), force (N,1), pole_length (N) -> (N,4).
torch::Tensor cartpole_dynamics(const torch::Tensor& state, const torch::Tensor& force,
                                const torch::Tensor& pole_length, const CartPoleParameters& params);

struct LinearDynamics {
  torch::Tensor A;  // (N,n,n)
  torch::Tensor B;  // (N,n,m)
};

// Jacobians of the continuous dynamics at the upright equilibrium (s = 0, F = 0), taken by
// autograd through cartpole_dynamics; one system per pole length, in its dtype and device.
LinearDynamics linearize_cartpole_upright(const torch::Tensor& pole_length,
                                          const CartPoleParameters& params);

// Zero-order hold: exp([[A, B], [0, 0]] dt) = [[A_d, B_d], [0, I]].
LinearDynamics discretize_zero_order_hold(const LinearDynamics& continuous, double dt);

}  // namespace diffctl
