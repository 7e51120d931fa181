// The cart-pole with soft walls (issue 11's contact system): its matrices against the
// physics they come from, the exact-LCS environment against the interior-point LCS step,
// and the LCS as differentiable dynamics.
#include "data/envs/cartpole.h"
#include "data/envs/cartpole_soft_walls.h"
#include "data/envs/differentiable_dynamics.h"
#include "src/autograd/gradient_check.h"
#include "src/linalg/eigen_conversion.h"
#include "src/lqr/reference_lqr.h"
#include "src/seeding.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace diffctl {
namespace {

using testing::TensorsNear;

// The paper's θ grows the other way: S = diag(1, −1, 1, −1) maps the landed cart-pole's
// state to it.
torch::Tensor sign_flip() { return torch::diag(torch::tensor({1.0, -1.0, 1.0, -1.0}, torch::kFloat64)); }

TEST(CartPoleSoftWalls, LinearPartIsTheFrictionlessCartPoleLinearisedUpright) {
  const CartPoleSoftWallsParameters p;
  CartPoleParameters physics;
  physics.cart_mass = p.cart_mass;
  physics.pole_mass = p.pole_mass;
  physics.track_friction = 0.0;
  physics.joint_friction = 0.0;
  physics.gravity = p.gravity;
  const auto linear = linearize_cartpole_upright(torch::tensor({p.centre_of_mass}, torch::kFloat64), physics);
  const auto S = sign_flip();
  const auto m = cartpole_soft_walls_matrices(p);
  const auto A_c = (m.A - torch::eye(4, torch::kFloat64)) / p.time_step, B_c = m.B / p.time_step;
  EXPECT_TRUE(TensorsNear(A_c, S.matmul(linear.A[0]).matmul(S), 1e-10, 1e-10));
  EXPECT_TRUE(TensorsNear(B_c, S.matmul(linear.B[0]), 1e-10, 1e-10));
}

// A wall's impulse acts on (x, θ) along the gradient of its gap z_i = D_i x + d_i, through
// the inverse of the linearised mass matrix [[m_c + m_p, −m_p l], [−m_p l, m_p l²]].
TEST(CartPoleSoftWalls, ImpulsesActAlongTheWallNormalsThroughTheMassMatrix) {
  const CartPoleSoftWallsParameters p;
  const double l = p.centre_of_mass;
  const auto mass = torch::tensor({p.cart_mass + p.pole_mass, -p.pole_mass * l, -p.pole_mass * l, p.pole_mass * l * l},
                                  torch::kFloat64)
                        .view({2, 2});
  const auto m = cartpole_soft_walls_matrices(p);
  const auto expected = torch::linalg_inv(mass).matmul(m.D.narrow(1, 0, 2).t());
  EXPECT_TRUE(TensorsNear(m.C.narrow(0, 2, 2) / p.time_step, expected, 1e-10, 1e-10));
  EXPECT_EQ(m.C.narrow(0, 0, 2).abs().max().item<double>(), 0.0);
}

TEST(CartPoleSoftWalls, FreeOfTheWallsTheStepIsLinearAndTheRewardIsMinusTheStageCost) {
  CartPoleSoftWalls env;
  const auto m = cartpole_soft_walls_matrices();
  const Eigen::Vector4d x(0.05, 0.1, -0.2, 0.3);
  env.set_state(x);
  const double u = 0.7;
  double observation[4];
  const auto step = env.step(&u, observation);
  const auto state = torch::tensor({x[0], x[1], x[2], x[3]}, torch::kFloat64);
  const auto expected = m.A.matmul(state) + m.B.squeeze(1) * u;
  EXPECT_TRUE(TensorsNear(torch::tensor(std::vector<double>(observation, observation + 4), torch::kFloat64), expected,
                          1e-14, 1e-14));
  EXPECT_EQ(env.last_impulse().norm(), 0.0);
  EXPECT_NEAR(step.reward, -(10 * 0.0025 + 2 * 0.01 + 0.04 + 0.09 + u * u), 1e-14);
  EXPECT_FALSE(step.done);
}

TEST(CartPoleSoftWalls, PastTheRightWallTheTipIsPushedBackAndComplementarityHolds) {
  CartPoleSoftWalls env;
  env.set_state(Eigen::Vector4d(0.4, 0.0, 0.0, 0.0));  // tip at 0.4 > d₁ = 0.35
  const double u = 0.0;
  double observation[4];
  env.step(&u, observation);
  const Eigen::Vector2d impulse = env.last_impulse();
  EXPECT_NEAR(impulse[0], 100.0 * 0.05, 1e-9);  // z₁ + λ₁/k_s = 0
  EXPECT_EQ(impulse[1], 0.0);
  EXPECT_LT(observation[2] - CartPoleSoftWallsParameters().pole_length * observation[3], 0.0);  // the tip moves left
}

// The environment's Lemke step against lcs_step's interior-point solve of the same LCS, on
// states from the task's initial box and beyond it (many in contact).
TEST(CartPoleSoftWalls, EnvironmentStepMatchesTheInteriorPointLcsStep) {
  const auto m = cartpole_soft_walls_matrices();
  auto generator = make_generator(3);
  const auto states = 3.0 * (torch::rand({64, 4}, generator, torch::kFloat64) - 0.5) *
                      torch::tensor({0.2, 0.6, 1.0, 2.0}, torch::kFloat64);
  const auto inputs = torch::randn({64, 1}, generator, torch::kFloat64);
  const auto lcs = lcs_step(m, states, inputs, torch::zeros({}, torch::kFloat64), {});
  int64_t in_contact = 0;
  CartPoleSoftWalls env;
  for (int64_t i = 0; i < 64; ++i) {
    env.set_state(Eigen::Vector4d(states[i][0].item<double>(), states[i][1].item<double>(), states[i][2].item<double>(),
                                  states[i][3].item<double>()));
    const double u = inputs[i][0].item<double>();
    double observation[4];
    env.step(&u, observation);
    in_contact += env.last_impulse().sum() > 0.0;
    EXPECT_TRUE(TensorsNear(torch::tensor(std::vector<double>(observation, observation + 4), torch::kFloat64),
                            lcs.next_state[i], 1e-9, 1e-9))
        << "state " << i;
  }
  EXPECT_GE(in_contact, 8);
  EXPECT_TRUE(lcs.summary.converged.all().item<bool>());
}

// Initial states are uniform in the task's box x ∈ [−0.1, 0.1], θ ∈ [−0.3, 0.3],
// ẋ ∈ [−0.5, 0.5], θ̇ ∈ [−1, 1]: over 2000 seeds each component has mean 0, standard
// deviation bound/√3 and reaches the box's edge; a seed gives the same state every time.
TEST(CartPoleSoftWalls, ResetsUniformlyInTheTaskBoxFromTheSeedAlone) {
  const double bounds[4] = {0.1, 0.3, 0.5, 1.0};
  CartPoleSoftWalls env;
  double state[4], again[4];
  double sum[4] = {}, squares[4] = {}, largest[4] = {};
  constexpr int kSeeds = 2000;
  for (uint64_t seed = 0; seed < kSeeds; ++seed) {
    env.reset(seed, state);
    for (int i = 0; i < 4; ++i) {
      sum[i] += state[i];
      squares[i] += state[i] * state[i];
      largest[i] = std::max(largest[i], std::abs(state[i]));
    }
  }
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(sum[i] / kSeeds, 0.0, 0.05 * bounds[i]) << "component " << i;
    EXPECT_NEAR(std::sqrt(squares[i] / kSeeds), bounds[i] / std::sqrt(3.0), 0.03 * bounds[i]) << "component " << i;
    EXPECT_GT(largest[i], 0.99 * bounds[i]) << "component " << i;
  }
  CartPoleSoftWalls other;
  env.reset(5, state);
  other.reset(5, again);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(state[i], again[i]);
  other.reset(6, again);
  EXPECT_NE(state[0], again[0]);
}

// LcsDynamics: the layer's exact step, and its gradient in the input through a contact
// against finite differences.
TEST(CartPoleSoftWalls, AsDifferentiableDynamicsItsGradientsMatchFiniteDifferences) {
  const auto m = cartpole_soft_walls_matrices();
  LcsDynamics dynamics(LCSLayer(LCSLayerOptions(4, 1, 2).learnable(false), m));
  const auto states = torch::tensor({{0.38, 0.0, 0.2, 0.1}, {-0.1, 0.6, -0.3, 0.5}, {0.0, 0.1, 0.0, 0.0}}, torch::kFloat64);
  const auto inputs = torch::tensor({{0.3}, {-0.2}, {1.0}}, torch::kFloat64).requires_grad_();
  const auto check = check_gradients(
      [&](const std::vector<torch::Tensor>& in) { return dynamics.step(in[0], in[1]); },
      {states.clone().requires_grad_(), inputs}, GradientCheckOptions{1e-6, 1e-7, 1e-5, 0});
  EXPECT_TRUE(check.passed) << check.report;
}

// The LQR baseline: stabilising on the wall-free linearisation and stationary for its
// cost (the closed-form policy gradient, computed through Lyapunov equations rather than the
// Riccati iteration, vanishes), so every nearby gain costs more.
TEST(CartPoleSoftWalls, LqrBaselineIsTheStationaryStabilisingGainOfTheWallFreeSystem) {
  const auto m = cartpole_soft_walls_matrices();
  const Eigen::MatrixXd A = to_eigen(m.A), B = to_eigen(m.B);
  const Eigen::MatrixXd Q = CartPoleSoftWalls::state_cost_weights().asDiagonal();
  const Eigen::MatrixXd R = Eigen::MatrixXd::Identity(1, 1);
  const Eigen::MatrixXd Sigma = Eigen::MatrixXd::Identity(4, 4);
  const Eigen::MatrixXd K = to_eigen(cartpole_soft_walls_task().lqr_policy()->gain.detach());
  const Eigen::VectorXcd poles = (A - B * K).eigenvalues();
  EXPECT_LT(poles.cwiseAbs().maxCoeff(), 1.0);
  const auto at_K = reference::lqr_cost_and_gradient(A, B, Q, R, Sigma, K);
  EXPECT_LT(at_K.gradient.norm(), 1e-6 * at_K.cost);
  for (int j = 0; j < 4; ++j) {
    for (const double sign : {-1.0, 1.0}) {
      Eigen::MatrixXd nearby = K;
      nearby(0, j) += sign * 0.05 * std::max(1.0, std::abs(K(0, j)));
      EXPECT_GT(reference::lqr_cost_and_gradient(A, B, Q, R, Sigma, nearby).cost, at_K.cost) << "entry " << j;
    }
  }
}

}  // namespace
}  // namespace diffctl
