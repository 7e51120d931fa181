#pragma once

#include <torch/types.h>

#include <cmath>

namespace diffctl {

class ConfigReader;

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

  // Reads cart_mass, pole_mass, track_friction, joint_friction and gravity.
  static CartPoleParameters from_config(ConfigReader& reader);
};

template <typename Scalar>
struct CartPoleAccelerations {
  Scalar x_ddot;
  Scalar theta_ddot;
};

// (ẍ, θ̈) from the equations above, for one cart-pole (Scalar = double) or a batch
// (Scalar = torch::Tensor): the black-box environment and the differentiable dynamics
// share this one formula.
template <typename Scalar>
CartPoleAccelerations<Scalar> cartpole_accelerations(const Scalar& theta, const Scalar& x_dot,
                                                     const Scalar& theta_dot, const Scalar& force,
                                                     const Scalar& l, const CartPoleParameters& p) {
  using std::cos;
  using std::sin;
  const Scalar cos_theta = cos(theta);
  const Scalar sin_theta = sin(theta);
  // Mass matrix [[M + m, m ℓ cosθ], [m ℓ cosθ, m ℓ²]] times (ẍ, θ̈) = right-hand side.
  const double m11 = p.cart_mass + p.pole_mass;
  const Scalar m12 = p.pole_mass * l * cos_theta;
  const Scalar m22 = p.pole_mass * l * l;
  const Scalar rhs1 = force - p.track_friction * x_dot + p.pole_mass * l * theta_dot * theta_dot * sin_theta;
  const Scalar rhs2 = -p.joint_friction * theta_dot + p.pole_mass * p.gravity * l * sin_theta;
  const Scalar det = m11 * m22 - m12 * m12;
  return {(m22 * rhs1 - m12 * rhs2) / det, (m11 * rhs2 - m12 * rhs1) / det};
}

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
