#include "data/envs/cartpole.h"

#include "src/config/config_reader.h"

#include <torch/autograd.h>
#include <torch/linalg.h>

namespace diffctl {

CartPoleParameters CartPoleParameters::from_config(ConfigReader& reader) {
  CartPoleParameters p;
  p.cart_mass = reader.number("cart_mass", p.cart_mass, 0, true);
  p.pole_mass = reader.number("pole_mass", p.pole_mass, 0, true);
  p.track_friction = reader.number("track_friction", p.track_friction, 0);
  p.joint_friction = reader.number("joint_friction", p.joint_friction, 0);
  p.gravity = reader.number("gravity", p.gravity, 0);
  return p;
}

torch::Tensor cartpole_dynamics(const torch::Tensor& state, const torch::Tensor& force,
                                const torch::Tensor& pole_length, const CartPoleParameters& p) {
  const auto x_dot = state.select(1, 2);
  const auto theta_dot = state.select(1, 3);
  const auto accelerations =
      cartpole_accelerations<torch::Tensor>(state.select(1, 1), x_dot, theta_dot, force.select(1, 0), pole_length, p);
  return torch::stack({x_dot, theta_dot, accelerations.x_ddot, accelerations.theta_ddot}, 1);
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
