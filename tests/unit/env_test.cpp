#include "data/envs/cartpole_balance.h"
#include "data/envs/differentiable_dynamics.h"
#include "data/envs/env.h"
#include "data/envs/pendulum.h"
#include "data/lqr/system_domain.h"
#include "src/autograd/gradient_check.h"
#include "src/error.h"
#include "src/linalg/eigen_conversion.h"
#include "src/lqr/reference_lqr.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <random>

namespace diffctl {
namespace {

using testing::TensorsNear;

// Gym's Pendulum-v1 step, written out independently (angle wrapped with atan2).
struct GymPendulumStep {
  double angle, velocity, reward;
};
GymPendulumStep gym_pendulum(double th, double thdot, double u) {
  u = std::min(2.0, std::max(-2.0, u));
  const double wrapped = std::atan2(std::sin(th), std::cos(th));
  const double costs = wrapped * wrapped + 0.1 * thdot * thdot + 0.001 * u * u;
  double newthdot = thdot + (3.0 * 10.0 / 2.0 * std::sin(th) + 3.0 * u) * 0.05;
  newthdot = std::min(8.0, std::max(-8.0, newthdot));
  return {th + newthdot * 0.05, newthdot, -costs};
}

TEST(Pendulum, StepsLikeGymsFormulaIncludingClipping) {
  Pendulum env;
  std::mt19937_64 random(1);
  std::uniform_real_distribution<double> angle(-7.0, 7.0), velocity(-8.0, 8.0), torque(-4.0, 4.0);
  double observation[3];
  for (int i = 0; i < 1000; ++i) {
    const double th = angle(random), thdot = velocity(random), u = torque(random);
    env.set_state(th, thdot);
    const StepResult step = env.step(&u, observation);
    const auto expected = gym_pendulum(th, thdot, u);
    ASSERT_NEAR(step.reward, expected.reward, 1e-12) << th << " " << thdot << " " << u;
    ASSERT_NEAR(env.angle(), expected.angle, 1e-12);
    ASSERT_NEAR(observation[2], expected.velocity, 1e-12);
    ASSERT_NEAR(observation[0], std::cos(expected.angle), 1e-12);
    ASSERT_NEAR(observation[1], std::sin(expected.angle), 1e-12);
    ASSERT_FALSE(step.done);
  }
}

TEST(Pendulum, ResetDependsOnlyOnTheSeedAndCoversTheStartRange) {
  Pendulum a, b;
  double first[3], second[3];
  double min_angle = 10, max_angle = -10, max_speed = 0;
  for (uint64_t seed = 0; seed < 2000; ++seed) {
    a.reset(seed, first);
    b.reset(seed, second);
    ASSERT_EQ(a.angle(), b.angle());
    ASSERT_EQ(a.angular_velocity(), b.angular_velocity());
    min_angle = std::min(min_angle, a.angle());
    max_angle = std::max(max_angle, a.angle());
    max_speed = std::max(max_speed, std::abs(a.angular_velocity()));
  }
  EXPECT_LT(min_angle, -3.0);
  EXPECT_GT(max_angle, 3.0);
  EXPECT_GE(min_angle, -M_PI);
  EXPECT_LT(max_angle, M_PI);
  EXPECT_GT(max_speed, 0.99);
  EXPECT_LE(max_speed, 1.0);
  a.reset(1, first);
  b.reset(2, second);
  EXPECT_NE(first[2], second[2]);
}

TEST(EnvRegistry, MakesEnvsByNameRejectsUnknownNamesAndTakesNewOnes) {
  EXPECT_EQ(make_env("pendulum")->episode_length(), 200);
  EXPECT_EQ(make_env("cartpole_balance")->observation_size(), 4);
  try {
    make_env("pendulumm");
    FAIL() << "no error";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what())
                  .find("\"cartpole_balance\", \"cartpole_soft_walls\", \"gym_humanoid\", \"half_cheetah\", "
                        "\"hopper\", \"humanoid_run\", \"humanoid_stand\", \"humanoid_walk\", \"pendulum\", "
                        "\"random_lcs_control\", \"swimmer\", \"swimmer15\", \"swimmer6\", \"walker2d\""),
              std::string::npos)
        << error.what();
  }
  register_env("test_long_pendulum", [] { return std::make_unique<Pendulum>(); });
  EXPECT_EQ(make_env("test_long_pendulum")->action_size(), 1);
  EXPECT_THROW(register_env("pendulum", [] { return std::make_unique<Pendulum>(); }), Error);
}

// The environment (doubles, Eigen) and the differentiable dynamics (tensors) integrate the
// one cart-pole formula the same way.
TEST(CartPoleBalance, TrajectoryEqualsTheDifferentiableDynamics) {
  CartPoleBalanceOptions options;
  options.pole_length = 0.7;
  options.angle_limit = M_PI;
  options.position_limit = 100.0;
  CartPoleBalance env(options);
  const CartPoleDynamics dynamics(options.physics, torch::tensor({0.7}, torch::kFloat64), options.dt);
  double observation[4];
  env.reset(3, observation);
  auto state = torch::tensor(std::vector<double>(observation, observation + 4), torch::kFloat64).unsqueeze(0);
  for (int t = 0; t < 100; ++t) {
    const double force = 3.0 * std::sin(0.3 * t);
    env.step(&force, observation);
    state = dynamics.step(state, torch::full({1, 1}, force, torch::kFloat64));
    ASSERT_TRUE(TensorsNear(torch::tensor(std::vector<double>(observation, observation + 4), torch::kFloat64),
                            state[0], 1e-12))
        << "step " << t;
  }
}

TEST(CartPoleBalance, FallsWithoutControlAndStaysUpUnderTheRiccatiGainOfItsLinearisation) {
  CartPoleBalanceOptions options;
  CartPoleDomainOptions domain_options;
  domain_options.physics = options.physics;
  domain_options.dt = options.dt;
  const auto system = CartPoleDomain(domain_options).systems_for_lengths(torch::tensor({options.pole_length}, torch::kFloat64));
  const auto P = reference::solve_dare(to_eigen(system.A[0]), to_eigen(system.B[0]), to_eigen(system.Q[0]),
                                       to_eigen(system.R[0]));
  const Eigen::MatrixXd K = reference::riccati_gain(to_eigen(system.A[0]), to_eigen(system.B[0]), to_eigen(system.R[0]), P);
  CartPoleBalance env(options);
  double observation[4];
  for (uint64_t seed = 0; seed < 20; ++seed) {
    env.reset(seed, observation);
    int64_t uncontrolled = 0;
    const double zero = 0.0;
    while (uncontrolled < env.episode_length() && !env.step(&zero, observation).done) ++uncontrolled;
    EXPECT_LT(uncontrolled, 200) << "seed " << seed;

    env.reset(seed, observation);
    for (int64_t t = 0; t < env.episode_length(); ++t) {
      const double force = -(K * Eigen::Map<Eigen::Vector4d>(observation))(0);
      ASSERT_FALSE(env.step(&force, observation).done) << "seed " << seed << " step " << t;
    }
    EXPECT_LT(std::abs(observation[1]), 1e-3);
  }
}

TEST(DifferentiableDynamics, LqrStepIsAxPlusBuPerSystemOrShared) {
  const auto A = torch::randn({3, 2, 2}, torch::kFloat64), B = torch::randn({3, 2, 1}, torch::kFloat64);
  const LqrSystems systems{A, B, torch::eye(2, torch::kFloat64).expand({3, 2, 2}),
                           torch::eye(1, torch::kFloat64).expand({3, 1, 1}), torch::eye(2, torch::kFloat64).expand({3, 2, 2})};
  const LqrDynamics dynamics(systems);
  const auto x = torch::randn({3, 2}, torch::kFloat64), u = torch::randn({3, 1}, torch::kFloat64);
  const auto next = dynamics.step(x, u);
  for (int64_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(TensorsNear(next[i], A[i].mv(x[i]) + B[i].mv(u[i]), 1e-14));
  }
  EXPECT_THROW(dynamics.step(torch::randn({2, 2}, torch::kFloat64), torch::randn({2, 1}, torch::kFloat64)), InputError);
}

// One RK4 step of the nonlinear cart-pole, linearised by autograd at the upright
// equilibrium, is RK4 on the linearised ODE: the fourth-order Taylor polynomials
// Σₖ₌₀⁴ (A dt)ᵏ/k! and Σₖ₌₀³ Aᵏ dtᵏ⁺¹/(k+1)! B; and it is within RK4's O(dt⁵) of the exact
// zero-order-hold model.
TEST(DifferentiableDynamics, CartPoleJacobianAtUprightIsRungeKuttaOfTheLinearisation) {
  const CartPoleParameters physics;
  const double dt = 0.02;
  const auto length = torch::tensor({0.5}, torch::kFloat64);
  const CartPoleDynamics dynamics(physics, length, dt);
  const auto state = torch::zeros({1, 4}, torch::kFloat64).requires_grad_();
  const auto force = torch::zeros({1, 1}, torch::kFloat64).requires_grad_();
  const auto next = dynamics.step(state, force);
  std::vector<torch::Tensor> rows_A, rows_B;
  for (int64_t i = 0; i < 4; ++i) {
    const auto grads = torch::autograd::grad({next[0][i]}, {state, force}, {}, true);
    rows_A.push_back(grads[0][0]);
    rows_B.push_back(grads[1][0]);
  }
  const auto jacobian_A = torch::stack(rows_A), jacobian_B = torch::stack(rows_B);

  const auto continuous = linearize_cartpole_upright(length, physics);
  const auto A = continuous.A[0], B = continuous.B[0];
  auto taylor_A = torch::eye(4, torch::kFloat64), taylor_B = torch::zeros({4, 1}, torch::kFloat64);
  auto power = torch::eye(4, torch::kFloat64);  // Aᵏ dtᵏ / k!
  for (int k = 1; k <= 4; ++k) {
    taylor_B = taylor_B + power.matmul(B) * dt / k;
    power = power.matmul(A) * dt / k;
    taylor_A = taylor_A + power;
  }
  EXPECT_TRUE(TensorsNear(jacobian_A, taylor_A, 1e-13));
  EXPECT_TRUE(TensorsNear(jacobian_B, taylor_B, 1e-13));

  CartPoleDomainOptions options;
  options.dt = dt;
  const auto exact = CartPoleDomain(options).systems_for_lengths(length);
  EXPECT_TRUE(TensorsNear(jacobian_A, exact.A[0], 1e-6));
  EXPECT_TRUE(TensorsNear(jacobian_B, exact.B[0], 1e-6));
}

// A return is backpropagated through a rollout of the differentiable dynamics: the
// gradient of a finite-horizon LQR cost with respect to the policy gain matches finite
// differences.
TEST(DifferentiableDynamics, RolloutCostGradientMatchesFiniteDifferences) {
  torch::manual_seed(2);
  const auto A = torch::tensor({{1.0, 0.1}, {0.0, 1.0}}, torch::kFloat64).unsqueeze(0);
  const auto B = torch::tensor({{0.0}, {0.1}}, torch::kFloat64).unsqueeze(0);
  const auto eye = torch::eye(2, torch::kFloat64).unsqueeze(0);
  const LqrDynamics dynamics(LqrSystems{A, B, eye, torch::eye(1, torch::kFloat64).unsqueeze(0), eye});
  const auto x0 = torch::randn({5, 2}, torch::kFloat64);
  const auto cost = [&](const std::vector<torch::Tensor>& inputs) {
    const auto& gain = inputs[0];
    auto x = x0;
    auto total = torch::zeros({}, torch::kFloat64);
    for (int t = 0; t < 30; ++t) {
      const auto u = -x.matmul(gain.t());
      total = total + (x * x).sum() + (u * u).sum();
      x = dynamics.step(x, u);
    }
    return total.reshape({1});
  };
  const auto gain = torch::tensor({{0.5, 1.0}}, torch::kFloat64).requires_grad_();
  const auto check = check_gradients(cost, {gain});
  EXPECT_TRUE(check.passed) << check.report;
}

}  // namespace
}  // namespace diffctl
