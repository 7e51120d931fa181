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

// Random stable matrices: a Gaussian matrix scaled to spectral radius `radius`.
torch::Tensor random_stable(int64_t batch, int64_t n, double radius, at::Generator& generator) {
  const auto A = torch::randn({batch, n, n}, generator, torch::kFloat64);
  return A * (radius / spectral_radius(A)).view({batch, 1, 1});
}

torch::Tensor random_spd(int64_t batch, int64_t n, at::Generator& generator) {
  const auto M = torch::randn({batch, n, n}, generator, torch::kFloat64);
  return M.matmul(M.transpose(-1, -2)) + torch::eye(n, torch::kFloat64);
}

TEST(DiscreteLyapunov, MatchesSmithDoublingOracleOverRandomSizes) {
  auto generator = make_generator(1);
  for (int64_t n : {1, 2, 3, 5, 8}) {
    const int64_t batch = 4;
    const auto A = random_stable(batch, n, 0.95, generator);
    const auto Q = random_spd(batch, n, generator);
    const auto solution = solve_discrete_lyapunov(A, Q);
    ASSERT_TRUE(solution.stable.all().item<bool>());
    for (int64_t i = 0; i < batch; ++i) {
      const auto expected = to_tensor(reference::solve_discrete_lyapunov(to_eigen(A[i]), to_eigen(Q[i])));
      EXPECT_TRUE(TensorsNear(solution.P[i], expected, 1e-9, 1e-9)) << "n = " << n << ", system " << i;
      EXPECT_LT(solution.residual[i].item<double>(), 1e-12);
    }
  }
}

TEST(DiscreteLyapunov, UnstableSystemsAreFlaggedNotNaN) {
  auto generator = make_generator(2);
  auto A = random_stable(3, 3, 0.5, generator);
  A[1] = A[1] * 2.5;  // spectral radius 1.25
  A[2] = torch::eye(3, torch::kFloat64);  // marginal: radius exactly 1
  const auto Q = random_spd(3, 3, generator);
  const auto solution = solve_discrete_lyapunov(A, Q);
  EXPECT_TRUE(solution.stable[0].item<bool>());
  EXPECT_FALSE(solution.stable[1].item<bool>());
  EXPECT_FALSE(solution.stable[2].item<bool>());
  EXPECT_TRUE(torch::isfinite(solution.P).all().item<bool>());
}

TEST(DiscreteLyapunov, StabilityVerdictAgreesWithTheEigenvalues) {
  auto generator = make_generator(6);
  for (int64_t n : {1, 2, 4, 6}) {
    const int64_t batch = 400;
    const auto radius = 0.5 + torch::rand({batch}, generator, torch::kFloat64);  // in [0.5, 1.5)
    const auto A = random_stable(batch, n, 1.0, generator) * radius.view({batch, 1, 1});
    const auto solution = solve_discrete_lyapunov(A, random_spd(batch, n, generator));
    const auto clear = (spectral_radius(A) - 1.0).abs() > 1e-6;
    EXPECT_TRUE(torch::equal(solution.stable.masked_select(clear), (spectral_radius(A) < 1.0).masked_select(clear)))
        << "n = " << n;
  }
}

TEST(DiscreteLyapunov, GradientsMatchFiniteDifferencesForBothInputs) {
  auto generator = make_generator(3);
  const auto A = random_stable(3, 3, 0.8, generator).requires_grad_(true);
  const auto Q = random_spd(3, 3, generator).requires_grad_(true);
  const auto check = check_gradients(
      [](const std::vector<torch::Tensor>& x) { return solve_discrete_lyapunov(x[0], x[1]).P; }, {A, Q});
  EXPECT_TRUE(check.passed) << check.report;
}

TEST(DiscreteLyapunov, KeepsDtypeAndWorksInFloat32) {
  auto generator = make_generator(4);
  const auto A = random_stable(2, 3, 0.7, generator);
  const auto Q = random_spd(2, 3, generator);
  const auto single = solve_discrete_lyapunov(A.to(torch::kFloat32), Q.to(torch::kFloat32));
  EXPECT_EQ(single.P.scalar_type(), torch::kFloat32);
  EXPECT_TRUE(TensorsNear(single.P, solve_discrete_lyapunov(A, Q).P, 1e-3, 1e-4));
}

TEST(DiscreteLyapunov, UnstableSystemsGetZeroGradient) {
  auto generator = make_generator(5);
  auto A = random_stable(2, 3, 0.5, generator);
  A[1] = A[1] * 3.0;
  A.requires_grad_(true);
  const auto Q = random_spd(2, 3, generator).requires_grad_(true);
  solve_discrete_lyapunov(A, Q).P.sum().backward();
  EXPECT_TRUE(torch::isfinite(A.grad()).all().item<bool>());
  EXPECT_EQ(A.grad()[1].abs().max().item<double>(), 0.0);
  EXPECT_GT(A.grad()[0].abs().max().item<double>(), 0.0);
}

// The CPU kernel and LibTorch's batched LU are two implementations of the same solve: on a
// batch mixing stable and unstable systems, and Q positive definite or only semidefinite
// (the kernel then runs its second right-hand side for the stability test), they agree
// on P, the verdict, the residual and both gradients.
TEST(DiscreteLyapunov, SmallKernelAgreesWithBatchedLu) {
  auto generator = make_generator(7);
  for (int64_t n : {2, 3, 4, 6}) {
    const int64_t batch = 600;  // several chunks, so the kernel runs on its threads
    const auto radius = 0.3 + 1.0 * torch::rand({batch}, generator, torch::kFloat64);  // some unstable
    const auto A = (random_stable(batch, n, 1.0, generator) * radius.view({batch, 1, 1})).requires_grad_(true);
    auto Q_values = random_spd(batch, n, generator);
    const auto direction = torch::randn({batch / 2, n, 1}, generator, torch::kFloat64);
    Q_values.slice(0, 0, batch / 2).copy_(direction.matmul(direction.transpose(-1, -2)));  // rank one
    const auto Q = Q_values.requires_grad_(true);
    const auto weights = torch::randn({batch, n, n}, generator, torch::kFloat64);
    std::vector<torch::Tensor> P, stable, residual, grad_A, grad_Q;
    for (auto solver : {LyapunovSolver::small_kernel, LyapunovSolver::batched_lu}) {
      const auto solution = solve_discrete_lyapunov(A, Q, solver);
      const auto grads = torch::autograd::grad({(solution.P * weights).sum()}, {A, Q});
      P.push_back(solution.P);
      stable.push_back(solution.stable);
      residual.push_back(solution.residual);
      grad_A.push_back(grads[0]);
      grad_Q.push_back(grads[1]);
    }
    const double stable_fraction = stable[0].to(torch::kFloat64).mean().item<double>();
    EXPECT_GT(stable_fraction, 0.2) << "n = " << n;
    EXPECT_LT(stable_fraction, 0.9) << "n = " << n;
    EXPECT_TRUE(torch::equal(stable[0], stable[1])) << "n = " << n;
    // Near |λ| = 1 the solution is large and conditioning dominates: compare relative to P.
    const auto scale = P[1].abs().amax({-2, -1}, true).clamp_min(1.0);
    EXPECT_LT(((P[0] - P[1]).abs() / scale).max().item<double>(), 1e-8) << "n = " << n;
    EXPECT_LT((residual[0] - residual[1]).abs().max().item<double>(), 1e-8) << "n = " << n;
    const auto grad_scale = [](const torch::Tensor& g) { return g.abs().amax({-2, -1}, true).clamp_min(1.0); };
    EXPECT_LT(((grad_A[0] - grad_A[1]).abs() / grad_scale(grad_A[1])).max().item<double>(), 1e-7) << "n = " << n;
    EXPECT_LT(((grad_Q[0] - grad_Q[1]).abs() / grad_scale(grad_Q[1])).max().item<double>(), 1e-7) << "n = " << n;
  }
}

TEST(DiscreteLyapunov, SchurStabilityTestAgreesWithTheEigenvalues) {
  auto generator = make_generator(8);
  for (int64_t n : {1, 3, 4, 7}) {
    const int64_t batch = 1000;
    const auto radius = 0.5 + torch::rand({batch}, generator, torch::kFloat64);
    const auto A = random_stable(batch, n, 1.0, generator) * radius.view({batch, 1, 1});
    const auto clear = (spectral_radius(A) - 1.0).abs() > 1e-6;
    EXPECT_TRUE(torch::equal(is_schur_stable(A).masked_select(clear), (spectral_radius(A) < 1.0).masked_select(clear)))
        << "n = " << n;
  }
}

}  // namespace
}  // namespace diffctl
