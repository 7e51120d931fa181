#include "data/lqr/lqr_instance.h"
#include "src/autograd/gradient_check.h"
#include "src/linalg/eigen_conversion.h"
#include "src/lqr/discrete_lyapunov.h"
#include "src/lqr/lqr_cost.h"
#include "src/lqr/reference_lqr.h"
#include "src/seeding.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>

namespace diffctl {
namespace {

using testing::TensorsNear;

// N random systems with a gain that stabilises all of them: K = (BᵀB)⁻¹Bᵀ(A − A_target)
// for a random stable A_target when B has full column rank (m = n here keeps it exact).
struct RandomProblem {
  LqrSystems systems;
  torch::Tensor K;  // (N,m,n)
};

RandomProblem random_problem(int64_t N, int64_t n, uint64_t seed) {
  auto g = make_generator(seed);
  const auto opts = torch::TensorOptions().dtype(torch::kFloat64);
  const auto A = torch::randn({N, n, n}, g, opts);
  const auto B = torch::randn({N, n, n}, g, opts) + 2.0 * torch::eye(n, opts);
  auto target = torch::randn({N, n, n}, g, opts);
  target = target * (0.6 / spectral_radius(target)).view({N, 1, 1});
  const auto K = torch::linalg_solve(B, A - target);
  auto spd = [&](int64_t size) {
    const auto M = torch::randn({N, size, size}, g, opts);
    return M.matmul(M.transpose(-1, -2)) + torch::eye(size, opts);
  };
  return {{A, B, spd(n), spd(n), spd(n)}, K};
}

TEST(LqrCost, MatchesTheClosedFormPolicyGradientBatched) {
  for (int64_t n : {2, 3, 4}) {
    const auto problem = random_problem(5, n, 10 + n);
    const auto K = problem.K.clone().requires_grad_(true);
    const auto result = lqr_cost(problem.systems, K);
    ASSERT_TRUE(result.stable.all().item<bool>());
    result.cost.sum().backward();
    // ∇C(K) = 2[(R + BᵀPB)K − BᵀPA]Σ_K with Σ_K from the tensor layer ...
    const auto& s = problem.systems;
    const auto P = result.P.detach();
    const auto Bt = s.B.transpose(-1, -2);
    const auto closed_form = 2.0 * ((s.R + Bt.matmul(P).matmul(s.B)).matmul(problem.K) - Bt.matmul(P).matmul(s.A))
                                       .matmul(closed_loop_state_correlation(s, problem.K));
    EXPECT_TRUE(TensorsNear(K.grad(), closed_form, 1e-8, 1e-8)) << "n = " << n;
    // ... and system by system from the Eigen reference (Smith doubling, no tensors).
    for (int64_t i = 0; i < 5; ++i) {
      const auto reference = reference::lqr_cost_and_gradient(
          to_eigen(s.A[i]), to_eigen(s.B[i]), to_eigen(s.Q[i]), to_eigen(s.R[i]), to_eigen(s.Sigma[i]),
          to_eigen(problem.K[i]));
      EXPECT_NEAR(result.cost[i].item<double>(), reference.cost, 1e-9 * reference.cost);
      EXPECT_TRUE(TensorsNear(K.grad()[i], to_tensor(reference.gradient), 1e-8, 1e-8));
    }
  }
}

TEST(LqrCost, GradientsOfEveryInputMatchFiniteDifferences) {
  const auto problem = random_problem(3, 3, 7);
  const auto& s = problem.systems;
  std::vector<torch::Tensor> inputs{s.A, s.B, s.Q, s.R, s.Sigma, problem.K};
  for (auto& input : inputs) input = input.clone().requires_grad_(true);
  const auto check = check_gradients(
      [](const std::vector<torch::Tensor>& x) {
        return lqr_cost({x[0], x[1], x[2], x[3], x[4]}, x[5]).cost;
      },
      inputs);
  EXPECT_TRUE(check.passed) << check.report;
}

TEST(LqrCost, SharedGainBroadcastsOverTheBatch) {
  const auto problem = random_problem(4, 3, 3);
  const auto shared = problem.K[0];
  const auto one = lqr_cost(problem.systems, shared).cost;
  const auto each = lqr_cost(problem.systems, shared.expand({4, 3, 3})).cost;
  ASSERT_TRUE(torch::isfinite(one[0]).item<bool>());
  EXPECT_TRUE(torch::equal(one, each)) << one << each;  // bitwise, +inf included
}

TEST(LqrCost, UnstableGainsCostInfinityWithoutPoisoningGradients) {
  auto problem = random_problem(3, 3, 4);
  auto K = problem.K.clone();
  K[1] = torch::zeros({3, 3}, torch::kFloat64);
  problem.systems.A[1] = 3.0 * torch::eye(3, torch::kFloat64);  // open loop unstable, K = 0
  K.requires_grad_(true);
  const auto result = lqr_cost(problem.systems, K);
  EXPECT_TRUE(std::isinf(result.cost[1].item<double>()));
  EXPECT_EQ(result.stable.logical_not().sum().item<int64_t>(), 1);
  torch::where(result.stable, result.cost, torch::zeros_like(result.cost)).sum().backward();
  EXPECT_TRUE(torch::isfinite(K.grad()).all().item<bool>());
  EXPECT_EQ(K.grad()[1].abs().max().item<double>(), 0.0);
}

TEST(LqrCost, RiccatiGainIsAStationaryPointWithThePapersOptimalCost) {
  // zeroth-order-lqr-proofs.md, appendix D: "The cost of the optimal policy in our example
  // was C(K*) = 2.36" for the Dean et al. instance.
  const auto dean = load_lqr_instance("dean").system;
  const auto A = to_eigen(dean.A[0]), B = to_eigen(dean.B[0]), Q = to_eigen(dean.Q[0]), R = to_eigen(dean.R[0]);
  const auto P = reference::solve_dare(A, B, Q, R);
  const auto K = to_tensor(reference::riccati_gain(A, B, R, P)).requires_grad_(true);
  const auto cost = lqr_cost(dean, K).cost;
  EXPECT_NEAR(cost.item<double>(), 2.36, 0.005);
  cost.sum().backward();
  EXPECT_LT(K.grad().abs().max().item<double>(), 1e-9);
  EXPECT_NEAR(cost.item<double>(), (P * to_eigen(dean.Sigma[0])).trace(), 1e-10);
}

}  // namespace
}  // namespace diffctl
