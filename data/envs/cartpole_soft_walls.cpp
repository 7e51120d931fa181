#include "data/envs/cartpole_soft_walls.h"

#include "src/error.h"
#include "src/lcp/reference_lcp.h"
#include "src/linalg/eigen_conversion.h"
#include "src/random/counter_random.h"

#include <cmath>

namespace diffctl {

LCSMatrices cartpole_soft_walls_matrices(const CartPoleSoftWallsParameters& p) {
  const double g = p.gravity, mp = p.pole_mass, mc = p.cart_mass, lp = p.pole_length, lc = p.centre_of_mass;
  const double ts = p.time_step;
  const auto float64 = torch::TensorOptions().dtype(torch::kFloat64);
  const auto A_c = torch::tensor({0.0, 0.0, 1.0, 0.0,  //
                                  0.0, 0.0, 0.0, 1.0,  //
                                  0.0, g * mp / mc, 0.0, 0.0,  //
                                  0.0, g * (mc + mp) / (lc * mc), 0.0, 0.0},
                                 float64)
                       .view({4, 4});
  const auto B_c = torch::tensor({0.0, 0.0, 1.0 / mc, 1.0 / (lc * mc)}, float64).view({4, 1});
  const double cart_push = -1.0 / mc + lp / (mc * lc);
  const double pole_push = -1.0 / (mc * lc) + lp * (mc + mp) / (mc * mp * lc * lc);
  const auto C_c = torch::tensor({0.0, 0.0, 0.0, 0.0, cart_push, -cart_push, pole_push, -pole_push}, float64).view({4, 2});
  LCSMatrices m;
  m.A = torch::eye(4, float64) + ts * A_c;
  m.B = ts * B_c;
  m.C = ts * C_c;
  m.c = torch::zeros({4}, float64);
  m.D = torch::tensor({-1.0, lp, 0.0, 0.0, 1.0, -lp, 0.0, 0.0}, float64).view({2, 4});
  m.E = torch::zeros({2, 1}, float64);
  m.F = torch::eye(2, float64) / p.stiffness;
  m.d = torch::tensor({p.right_wall, p.left_wall}, float64);
  return m;
}

ContactTask cartpole_soft_walls_task() {
  ContactTask task;
  task.name = "cartpole_soft_walls";
  task.matrices = cartpole_soft_walls_matrices();
  const Eigen::Vector4d q = CartPoleSoftWalls::state_cost_weights(), box = CartPoleSoftWalls::initial_state_bounds();
  task.cost = {torch::tensor({q[0], q[1], q[2], q[3]}, torch::kFloat64), CartPoleSoftWalls::input_cost_weight()};
  task.initial_state_bounds = torch::tensor({box[0], box[1], box[2], box[3]}, torch::kFloat64);
  task.exploration_state_bounds = torch::tensor({0.5, 0.5, 1.0, 2.0}, torch::kFloat64);
  task.exploration_input_range = 2.0;
  task.make_env = [] { return std::make_unique<CartPoleSoftWalls>(); };
  return task;
}

CartPoleSoftWalls::CartPoleSoftWalls(const CartPoleSoftWallsParameters& parameters) {
  if (!(parameters.stiffness > 0.0) || !(parameters.time_step > 0.0)) {
    throw InputError("cartpole_soft_walls: stiffness and time_step must be > 0");
  }
  const LCSMatrices m = cartpole_soft_walls_matrices(parameters);
  A_ = to_eigen(m.A);
  B_ = to_eigen(m.B);
  C_ = to_eigen(m.C);
  D_ = to_eigen(m.D);
  F_ = to_eigen(m.F);
  d_ = to_eigen(m.d.unsqueeze(1));
}

void CartPoleSoftWalls::reset(uint64_t seed, double* observation) {
  CounterRandom random(seed);
  const Eigen::Vector4d bounds = initial_state_bounds();
  for (int i = 0; i < 4; ++i) state_[i] = random.uniform(-bounds[i], bounds[i]);
  impulse_.setZero();
  std::copy(state_.data(), state_.data() + 4, observation);
}

StepResult CartPoleSoftWalls::step(const double* action, double* observation) {
  const double force = action[0];
  if (!std::isfinite(force) || !state_.allFinite()) {
    state_.setConstant(std::nan(""));
    std::copy(state_.data(), state_.data() + 4, observation);
    return {std::nan(""), true};
  }
  const double cost = state_.dot(state_cost_weights().cwiseProduct(state_)) + input_cost_weight() * force * force;
  const Eigen::Vector2d q = D_ * state_ + d_;
  const auto contact = lcp::solve_lemke(F_, q);
  impulse_ = contact.lambda;
  state_ = A_ * state_ + B_ * force + C_ * impulse_;
  std::copy(state_.data(), state_.data() + 4, observation);
  return {-cost, !state_.allFinite()};
}

}  // namespace diffctl
