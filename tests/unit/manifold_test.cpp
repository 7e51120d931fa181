#include "src/error.h"
#include "src/manifold/manifold.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace diffctl {
namespace {

using testing::TensorsNear;

double orthogonality_error(const torch::Tensor& W) {
  return (W.t().matmul(W) - torch::eye(W.size(1), torch::kFloat64)).abs().max().item<double>();
}

// 10,000 retractions along random directions leave WᵀW = I to 1e-10, for O(n) and St(n, k),
// with the exponential and the Cayley retraction.
TEST(Manifold, RetractionsKeepOrthonormalColumnsOverTenThousandSteps) {
  torch::manual_seed(1);
  for (const auto retraction : {Retraction::exponential, Retraction::cayley}) {
    for (const auto& [manifold, rows, columns] :
         {std::tuple{Manifold::orthogonal, 6, 6}, std::tuple{Manifold::stiefel, 7, 3}}) {
      torch::Tensor W = project_to_manifold(manifold, torch::randn({rows, columns}, torch::kFloat64));
      ASSERT_LT(orthogonality_error(W), 1e-13);
      for (int step = 0; step < 10000; ++step) {
        const auto D = riemannian_direction(manifold, W, torch::randn({rows, columns}, torch::kFloat64));
        W = retract(manifold, W, D, 0.05, retraction);
      }
      EXPECT_LT(orthogonality_error(W), 1e-10) << to_string(manifold);
    }
  }
}

// Along Ω = GWᵀ − WGᵀ with G = ∇F, d/dt F(exp(tΩ)W) at 0 is ½‖Ω‖² (ode-to-ode.md eq. 8–9):
// checked by central differences for F(W) = tr(CᵀW), ∇F = C.
TEST(Manifold, OrthogonalDirectionIsAnAscentDirectionWithTheRightSlope) {
  torch::manual_seed(2);
  const auto C = torch::randn({5, 3}, torch::kFloat64);
  const auto W = project_to_manifold(Manifold::stiefel, torch::randn({5, 3}, torch::kFloat64));
  const auto F = [&](const torch::Tensor& X) { return (C * X).sum().item<double>(); };
  const auto omega = riemannian_direction(Manifold::stiefel, W, C);
  EXPECT_TRUE(TensorsNear(omega, -omega.t(), 1e-15));
  const double h = 1e-6;
  const double slope = (F(retract(Manifold::stiefel, W, omega, h)) - F(retract(Manifold::stiefel, W, omega, -h))) / (2 * h);
  EXPECT_NEAR(slope, 0.5 * omega.pow(2).sum().item<double>(), 1e-6);
  // The Cayley retraction agrees to second order.
  const auto exact = retract(Manifold::stiefel, W, omega, 1e-3, Retraction::exponential);
  const auto cayley = retract(Manifold::stiefel, W, omega, 1e-3, Retraction::cayley);
  EXPECT_TRUE(TensorsNear(exact, cayley, 1e-8));
  EXPECT_FALSE(TensorsNear(exact, W, 1e-6));
}

TEST(Manifold, SymmetricStaysSymmetricAndFreeIsAPlainStep) {
  const auto W = torch::randn({4, 4}, torch::kFloat64);
  const auto S = project_to_manifold(Manifold::symmetric, W);
  const auto G = torch::randn({4, 4}, torch::kFloat64);
  const auto moved = retract(Manifold::symmetric, S, riemannian_direction(Manifold::symmetric, S, G), 0.3);
  EXPECT_TRUE(torch::equal(moved, moved.t()));
  EXPECT_TRUE(TensorsNear(moved, S + 0.15 * (G + G.t()), 1e-14));
  EXPECT_TRUE(TensorsNear(retract(Manifold::free, W, G, 0.3), W + 0.3 * G, 0.0));
  EXPECT_THROW(check_manifold_shape(Manifold::orthogonal, torch::zeros({3, 2}), "W"), InputError);
  EXPECT_THROW(check_manifold_shape(Manifold::stiefel, torch::zeros({2, 3}), "W"), InputError);
}

}  // namespace
}  // namespace diffctl
