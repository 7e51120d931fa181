#include "data/envs/cartpole.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace diffctl {
namespace {

using testing::TensorsNear;

// Hand-derived linearisation at the upright equilibrium, as the oracle for the autograd one:
// with D = [[M + m, mℓ], [mℓ, mℓ²]], D (ẍ, θ̈) = (F − b_x ẋ, m g ℓ θ − b_θ θ̇).
torch::Tensor hand_derived_A(double l, const CartPoleParameters& p) {
  const double M = p.cart_mass, m = p.pole_mass;
  const double det = (M + m) * m * l * l - m * m * l * l;
  // D⁻¹ = [[mℓ², −mℓ], [−mℓ, M + m]] / det
  const double i11 = m * l * l / det, i12 = -m * l / det, i22 = (M + m) / det;
  auto A = torch::zeros({4, 4}, torch::kFloat64);
  A[0][2] = 1.0;
  A[1][3] = 1.0;
  // rows for ẍ and θ̈ in terms of (θ, ẋ, θ̇)
  A[2][1] = i12 * m * p.gravity * l;
  A[2][2] = -i11 * p.track_friction;
  A[2][3] = -i12 * p.joint_friction;
  A[3][1] = i22 * m * p.gravity * l;
  A[3][2] = -i12 * p.track_friction;
  A[3][3] = -i22 * p.joint_friction;
  return A;
}

TEST(CartPole, AutogradLinearisationMatchesTheHandDerivedJacobian) {
  const CartPoleParameters params;
  const auto lengths = torch::tensor({0.2, 0.5, 0.8}, torch::kFloat64);
  const auto linear = linearize_cartpole_upright(lengths, params);
  for (int64_t i = 0; i < 3; ++i) {
    const double l = lengths[i].item<double>();
    EXPECT_TRUE(TensorsNear(linear.A[i], hand_derived_A(l, params), 1e-12));
    const double det = params.cart_mass * params.pole_mass * l * l;
    const auto B = torch::tensor({0.0, 0.0, params.pole_mass * l * l / det, -params.pole_mass * l / det},
                                 torch::kFloat64)
                       .view({4, 1});
    EXPECT_TRUE(TensorsNear(linear.B[i], B, 1e-12));
  }
}

TEST(CartPole, UprightIsAnUnstableEquilibrium) {
  const auto lengths = torch::tensor({0.3}, torch::kFloat64);
  const auto state = torch::zeros({1, 4}, torch::kFloat64);
  EXPECT_TRUE(TensorsNear(cartpole_dynamics(state, torch::zeros({1, 1}, torch::kFloat64), lengths, {}),
                          torch::zeros({1, 4}, torch::kFloat64), 0.0));
  const auto A = linearize_cartpole_upright(lengths, {}).A[0];
  EXPECT_GT(torch::real(torch::linalg::eigvals(A)).max().item<double>(), 1.0);
}

TEST(CartPole, ZeroOrderHoldMatchesIntegratingTheLinearOdeUnderConstantInput) {
  const auto continuous = linearize_cartpole_upright(torch::tensor({0.4}, torch::kFloat64), {});
  const double dt = 0.02;
  const auto discrete = discretize_zero_order_hold(continuous, dt);
  // RK4 on ẋ = A x + B u over dt for each basis state (u = 0) and for u = 1 (x = 0).
  const auto A = continuous.A[0], B = continuous.B[0];
  auto integrate = [&](torch::Tensor x, const torch::Tensor& u) {
    const int steps = 2000;
    const double h = dt / steps;
    auto f = [&](const torch::Tensor& s) { return A.matmul(s) + B.matmul(u); };
    for (int k = 0; k < steps; ++k) {
      const auto k1 = f(x), k2 = f(x + 0.5 * h * k1), k3 = f(x + 0.5 * h * k2), k4 = f(x + h * k3);
      x = x + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4);
    }
    return x;
  };
  const auto zero_input = torch::zeros({1}, torch::kFloat64);
  for (int64_t i = 0; i < 4; ++i) {
    EXPECT_TRUE(TensorsNear(discrete.A[0].select(1, i),
                            integrate(torch::eye(4, torch::kFloat64).select(1, i), zero_input), 1e-10));
  }
  EXPECT_TRUE(TensorsNear(discrete.B[0].select(1, 0),
                          integrate(torch::zeros({4}, torch::kFloat64), torch::ones({1}, torch::kFloat64)),
                          1e-10));
}

}  // namespace
}  // namespace diffctl
