#include "data/envs/cartpole.h"

#include <torch/autograd.h>
#include <torch/linalg.h>

namespace diffctl {

torch::Tensor cartpole_dynamics(const torch::Tensor& state, const torch::Tensor& force,
                                const torch::Tensor& pole_length, const CartPoleParameters& p) {
  const auto theta = state.select(1, 1);
  const auto x_dot = state.select(1, 2);
  const auto theta_dot = state.select(1, 3);
  const auto F = force.select(1, 0);
  const auto& l = pole_length;
  const auto cos_theta = torch::cos(theta);
  const auto sin_theta = torch::sin(theta);
  // Mass matrix [[M + m, m ℓ cosθ], [m ℓ cosθ, m ℓ²]] times (ẍ, θ̈) = right-hand side.
  const auto m11 = torch::full_like(l, p.cart_mass + p.pole_mass);
  const auto m12 = p.pole_mass * l * cos_theta;
  const auto m22 = p.pole_mass * l * l;
  const auto rhs1 = F - p.track_friction * x_dot + p.pole_mass * l * theta_dot * theta_dot * sin_theta;
  const auto rhs2 = -p.joint_friction * theta_dot + p.pole_mass * p.gravity * l * sin_theta;
  const auto det = m11 * m22 - m12 * m12;
  const auto x_ddot = (m22 * rhs1 - m12 * rhs2) / det;
  const auto theta_ddot = (m11 * rhs2 - m12 * rhs1) / det;
  return torch::stack({x_dot, theta_dot, x_ddot, theta_ddot}, 1);
}

LinearDynamics linearize_cartpole_upright(const torch::Tensor& pole_length,
                                          const CartPoleParameters& params) {
  torch::AutoGradMode enable_grad(true);
  const int64_t batch = pole_length.size(0);
  const auto state = torch::zeros({batch, 4}, pole_length.options()).requires_grad_(true);
  const auto force = torch::zeros({batch, 1}, pole_length.options()).requires_grad_(true);
  const auto derivative = cartpole_dynamics(state, force, pole_length.detach(), params);
  // Systems are independent, so the gradient of Σ_batch ṡ_i gives row i of every Jacobian.
  std::vector<torch::Tensor> rows_A, rows_B;
  for (int64_t i = 0; i < 4; ++i) {
    const auto grads = torch::autograd::grad({derivative.select(1, i).sum()}, {state, force},
                                             {}, /*retain_graph=*/true);
    rows_A.push_back(grads[0]);
    rows_B.push_back(grads[1]);
  }
  return {torch::stack(rows_A, 1).detach(), torch::stack(rows_B, 1).detach()};
}

LinearDynamics discretize_zero_order_hold(const LinearDynamics& continuous, double dt) {
  const int64_t batch = continuous.A.size(0);
  const int64_t n = continuous.A.size(-1);
  const int64_t m = continuous.B.size(-1);
  auto augmented = torch::zeros({batch, n + m, n + m}, continuous.A.options());
  augmented.narrow(1, 0, n).narrow(2, 0, n).copy_(continuous.A);
  augmented.narrow(1, 0, n).narrow(2, n, m).copy_(continuous.B);
  const auto transition = torch::linalg::matrix_exp(augmented * dt);
  return {transition.narrow(1, 0, n).narrow(2, 0, n).contiguous(),
          transition.narrow(1, 0, n).narrow(2, n, m).contiguous()};
}

}  // namespace diffctl
