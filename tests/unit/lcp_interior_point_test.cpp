#include "data/lcs/random_lcp.h"
#include "src/autograd/gradient_check.h"
#include "src/error.h"
#include "src/lcp/interior_point.h"
#include "src/lcp/reference_lcp.h"
#include "src/linalg/eigen_conversion.h"
#include "src/seeding.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace diffctl {
namespace {

using testing::TensorsNear;

// Acceptance: ≥ 10,000 random P-matrix LCPs, n = 1..24, μ = 0, against Lemke (and
// enumeration for n ≤ 10) to 1e-8 relative, every problem converged.
TEST(LcpInteriorPoint, MatchesLemkeAndEnumerationOnTenThousandRandomProblems) {
  constexpr int64_t kPerDimension = 420;  // 24 × 420 = 10,080 problems
  int64_t checked = 0;
  for (int64_t n = 1; n <= 24; ++n) {
    const LcpBatch problems = random_p_matrix_lcps(kPerDimension, n, make_generator(100 + n));
    const lcp::Solution solution = lcp::solve(problems.F, problems.q);
    ASSERT_TRUE(solution.summary.converged.all().item<bool>()) << "n = " << n;
    for (int64_t b = 0; b < kPerDimension; ++b) {
      const Eigen::MatrixXd F = to_eigen(problems.F[b]);
      const Eigen::VectorXd q = to_eigen(problems.q[b].unsqueeze(-1));
      const lcp::ReferenceSolution lemke = lcp::solve_lemke(F, q);
      ASSERT_TRUE(lemke.solved) << "n = " << n << ", problem " << b;
      const Eigen::VectorXd lambda = to_eigen(solution.lambda[b].unsqueeze(-1));
      const double scale = std::max(1.0, lemke.lambda.cwiseAbs().maxCoeff());
      ASSERT_LE((lambda - lemke.lambda).cwiseAbs().maxCoeff() / scale, 1e-8)
          << "n = " << n << ", problem " << b << "\ninterior point: " << lambda.transpose()
          << "\nLemke:          " << lemke.lambda.transpose();
      if (n <= 10) {
        const lcp::ReferenceSolution enumerated = lcp::solve_by_enumeration(F, q);
        ASSERT_TRUE(enumerated.solved);
        ASSERT_LE((lambda - enumerated.lambda).cwiseAbs().maxCoeff() / scale, 1e-8) << "n = " << n;
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 10000);
}

// λ(Fλ + q) = μ in one dimension: λ = (−q + √(q² + 4Fμ)) / (2F), written as
// 2μ / (q + √(q² + 4Fμ)) where q > 0 to avoid cancellation.
TEST(LcpInteriorPoint, ScalarCaseMatchesTheClosedForm) {
  auto generator = make_generator(7);
  const int64_t batch = 500;
  const auto F = 0.2 + 3.0 * torch::rand({batch, 1, 1}, generator, torch::kFloat64);
  const auto q = 10.0 * (2.0 * torch::rand({batch, 1}, generator, torch::kFloat64) - 1.0);
  const auto mu = torch::pow(10.0, -6.0 + 6.0 * torch::rand({batch, 1}, generator, torch::kFloat64));
  lcp::SolverOptions options;
  options.tolerance = 1e-14;
  const lcp::Solution solution = lcp::solve(F, q, mu, options);
  ASSERT_TRUE(solution.summary.converged.all().item<bool>());
  const auto f = F.squeeze(-1);
  const auto root = torch::sqrt(q * q + 4.0 * f * mu);
  const auto expected = torch::where(q > 0, 2.0 * mu / (q + root), (root - q) / (2.0 * f));
  EXPECT_TRUE(TensorsNear(solution.lambda, expected, 1e-12, 1e-9));
}

TEST(LcpInteriorPoint, PerContactCenteringHoldsElementwise) {
  const LcpBatch problems = random_p_matrix_lcps(50, 6, make_generator(8));
  auto generator = make_generator(9);
  const auto mu = 0.01 + torch::rand({50, 6}, generator, torch::kFloat64);
  lcp::SolverOptions options;
  options.tolerance = 1e-13;
  const lcp::Solution solution = lcp::solve(problems.F, problems.q, mu, options);
  ASSERT_TRUE(solution.summary.converged.all().item<bool>());
  EXPECT_TRUE((solution.lambda > 0).all().item<bool>());
  EXPECT_TRUE((solution.w > 0).all().item<bool>());
  EXPECT_TRUE(TensorsNear(solution.lambda * solution.w, mu, 1e-9));
  EXPECT_LE(solution.summary.iterations.max().item<int64_t>(), 40);
}

// Property test over scales: the normalisation makes one tolerance and starting point work
// for F, q and μ spanning twelve orders of magnitude, including q = 0 and mixed μᵢ = 0.
TEST(LcpInteriorPoint, ConvergesAcrossScalesOfFQAndMu) {
  auto generator = make_generator(16);
  for (double f_scale : {1e-3, 1.0, 1e3}) {
    for (double q_scale : {0.0, 1e-3, 1.0, 1e3}) {
      for (double mu_scale : {0.0, 1e-4, 1.0, 100.0, -1.0}) {  // −1: half the μᵢ zero, half U(0, 1)
        for (int64_t n : {1, 3, 8}) {
          const LcpBatch problems = random_p_matrix_lcps(30, n, generator);
          const auto F = problems.F * f_scale;
          const auto q = problems.q * q_scale;
          auto mu = torch::full_like(q, mu_scale);
          if (mu_scale < 0) {
            const auto draw = torch::rand(q.sizes(), generator, torch::kFloat64);
            mu = torch::where(draw < 0.5, torch::zeros_like(draw), draw);
          }
          const lcp::Solution solution = lcp::solve(F, q, mu);
          const std::string where = "F×" + std::to_string(f_scale) + " q×" + std::to_string(q_scale) +
                                    " mu " + std::to_string(mu_scale) + " n " + std::to_string(n);
          ASSERT_TRUE(solution.summary.converged.all().item<bool>()) << where;
          ASSERT_TRUE((solution.lambda >= 0).all().item<bool>()) << where;
          // λ ∘ w = μ relative to the problem's own complementarity scale β²/φ.
          const auto beta = torch::maximum(q.abs().amax(-1), (F.abs().amax({-2, -1}) * mu.amax(-1)).sqrt());
          const auto unit = (beta * beta / F.abs().amax({-2, -1})).clamp_min(1e-300).unsqueeze(-1);
          const auto w = torch::matmul(F, solution.lambda.unsqueeze(-1)).squeeze(-1) + q;
          EXPECT_LE(((solution.lambda * w - mu).abs() / (unit + mu)).max().item<double>(), 1e-8) << where;
          EXPECT_GE((w / beta.clamp_min(1e-300).unsqueeze(-1)).min().item<double>(), -1e-9) << where;
        }
      }
    }
  }
}

TEST(LcpInteriorPoint, SolvesInFloat32WithItsDefaultTolerance) {
  const LcpBatch problems = random_p_matrix_lcps(200, 8, make_generator(10));
  const lcp::Solution exact = lcp::solve(problems.F, problems.q);
  const lcp::Solution single = lcp::solve(problems.F.to(torch::kFloat32), problems.q.to(torch::kFloat32));
  EXPECT_EQ(single.lambda.scalar_type(), torch::kFloat32);
  EXPECT_TRUE(single.summary.converged.all().item<bool>());
  const auto error = (single.lambda.to(torch::kFloat64) - exact.lambda).abs().amax(-1);
  const auto scale = exact.lambda.abs().amax(-1).clamp_min(1.0);
  // Single precision on matrices whose principal blocks reach condition numbers ~1e4.
  EXPECT_LE((error / scale).max().item<double>(), 1e-2);
  EXPECT_LE((error / scale).median().item<double>(), 1e-4);
}

TEST(LcpInteriorPoint, AnUnconvergedProblemIsFlaggedWithAFiniteBestIterate) {
  const LcpBatch problems = random_p_matrix_lcps(20, 12, make_generator(11));
  lcp::SolverOptions options;
  options.max_iterations = 2;
  const lcp::Solution solution = lcp::solve(problems.F, problems.q, options);
  EXPECT_FALSE(solution.summary.converged.any().item<bool>());
  EXPECT_TRUE((solution.summary.iterations == 2).all().item<bool>());
  EXPECT_TRUE(torch::isfinite(solution.lambda).all().item<bool>());
  const auto merit = torch::maximum(solution.summary.primal_residual, solution.summary.complementarity_residual);
  EXPECT_TRUE((merit > 1e-10).all().item<bool>());
}

TEST(LcpInteriorPoint, RejectsBadInputWithAMessageNamingIt) {
  const auto F = torch::eye(2, torch::kFloat64).unsqueeze(0);
  const auto q = torch::ones({1, 2}, torch::kFloat64);
  auto expect_error = [](const std::function<void()>& call, const std::string& fragment) {
    try {
      call();
      ADD_FAILURE() << "no error, expected one mentioning " << fragment;
    } catch (const InputError& error) {
      EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
    }
  };
  expect_error([&] { lcp::solve(F * std::nan(""), q); }, "F: expected finite");
  expect_error([&] { lcp::solve(-F, q); }, "P-matrix");
  expect_error([&] { lcp::solve(F, torch::ones({1, 3}, torch::kFloat64)); }, "q: expected shape");
  expect_error([&] { lcp::solve(F, q, torch::full({1, 2}, -1.0, torch::kFloat64)); }, "mu: expected finite values >= 0");
  expect_error([&] { lcp::solve(F, q, torch::ones({3}, torch::kFloat64)); }, "mu: expected a shape");
  lcp::SolverOptions options;
  options.tolerance = -1.0;
  expect_error([&] { lcp::solve(F, q, options); }, "tolerance");
}

TEST(LcpGradient, MatchesFiniteDifferencesForFQAndPerContactMu) {
  const LcpBatch problems = random_p_matrix_lcps(3, 4, make_generator(12));
  auto generator = make_generator(13);
  const auto mu = 0.05 + 0.5 * torch::rand({3, 4}, generator, torch::kFloat64);
  const auto check = check_gradients(
      [](const std::vector<torch::Tensor>& x) { return lcp::solve(x[0], x[1], x[2]).lambda; },
      {problems.F.requires_grad_(), problems.q.requires_grad_(), mu.requires_grad_()});
  EXPECT_TRUE(check.passed) << check.report;
}

// At μ = 0 the solution is piecewise linear; away from a kink its derivative is the
// active-set one and finite differences see it too.
TEST(LcpGradient, ExactSolutionGradientMatchesFiniteDifferencesAwayFromKinks) {
  const LcpBatch problems = random_p_matrix_lcps(40, 5, make_generator(14));
  const lcp::Solution solution = lcp::solve(problems.F, problems.q);
  const auto margin = torch::maximum(solution.lambda, solution.w).amin(-1);
  const auto keep = torch::nonzero(margin > 1e-2).squeeze(-1);
  ASSERT_GE(keep.numel(), 10);
  const auto check = check_gradients(
      [](const std::vector<torch::Tensor>& x) { return lcp::solve(x[0], x[1]).lambda; },
      {problems.F.index_select(0, keep).requires_grad_(), problems.q.index_select(0, keep).requires_grad_()});
  EXPECT_TRUE(check.passed) << check.report;
}

// λ = w = 0 at F = I, q = 0: the documented convention averages dλ = 0 and dλ + dq = 0.
TEST(LcpGradient, DegeneratePointGetsTheAveragedFiniteGradient) {
  const auto F = torch::eye(3, torch::kFloat64).unsqueeze(0);
  const auto q = torch::zeros({1, 3}, torch::kFloat64).requires_grad_();
  const lcp::Solution solution = lcp::solve(F, q);
  ASSERT_TRUE(solution.summary.converged.item<bool>());
  const auto gradient = torch::autograd::grad({solution.lambda.sum()}, {q})[0];
  EXPECT_TRUE(TensorsNear(gradient, torch::full({1, 3}, -0.5, torch::kFloat64), 1e-9));
}

TEST(LcpGradient, ImplicitAgreesWithUnrolledIterations) {
  const LcpBatch problems = random_p_matrix_lcps(8, 6, make_generator(15));
  const auto mu = torch::full({8, 1}, 0.1, torch::kFloat64);
  auto gradients = [&](bool unrolled) {
    const auto F = problems.F.clone().requires_grad_();
    const auto q = problems.q.clone().requires_grad_();
    lcp::SolverOptions options;
    options.tolerance = 1e-13;
    const auto lambda = unrolled ? lcp::solve_unrolled(F, q, mu, options).lambda
                                 : lcp::solve(F, q, mu, options).lambda;
    const auto weights = torch::linspace(-1.0, 2.0, 6, torch::kFloat64);
    return torch::autograd::grad({(lambda * weights).sum()}, {F, q});
  };
  const auto implicit = gradients(false);
  const auto unrolled = gradients(true);
  EXPECT_TRUE(TensorsNear(implicit[0], unrolled[0], 1e-7, 1e-6));
  EXPECT_TRUE(TensorsNear(implicit[1], unrolled[1], 1e-7, 1e-6));
}

}  // namespace
}  // namespace diffctl
