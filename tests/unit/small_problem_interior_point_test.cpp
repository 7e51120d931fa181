#include "data/lcs/random_lcp.h"
#include "src/lcp/interior_point.h"
#include "src/lcp/small_problem_interior_point.h"
#include "src/seeding.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace diffctl {
namespace {

lcp::SolverOptions tensor_path() {
  lcp::SolverOptions options;
  options.fused_small_problems = false;
  return options;
}

double relative_gap(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).abs().max() / b.abs().max().clamp_min(1.0)).item<double>();
}

// The fused path runs the tensor path's algorithm: the same solutions, summaries and
// implicit gradients, exact (μ = 0) and centred (μ > 0, one value per contact).
TEST(SmallProblemInteriorPoint, AgreesWithTheTensorPathInSolutionSummaryAndGradient) {
  for (int64_t n = 1; n <= lcp::kSmallProblemMaxSize; ++n) {
    for (const double mu_value : {0.0, 1e-3}) {
      const LcpBatch problems = random_p_matrix_lcps(300, n, make_generator(500 + n));
      const auto mu = mu_value * torch::rand({300, n}, make_generator(900 + n), torch::kFloat64);
      const auto weights = torch::randn({n}, make_generator(1), torch::kFloat64);
      std::vector<lcp::Solution> solutions;
      std::vector<std::vector<torch::Tensor>> gradients;
      for (const auto& options : {lcp::SolverOptions{}, tensor_path()}) {
        const auto F = problems.F.clone().requires_grad_();
        const auto q = problems.q.clone().requires_grad_();
        solutions.push_back(lcp::solve(F, q, mu, options));
        gradients.push_back(torch::autograd::grad({(solutions.back().lambda * weights).sum()}, {F, q}));
      }
      const auto& fused = solutions[0];
      const auto& tensor = solutions[1];
      SCOPED_TRACE("n = " + std::to_string(n) + ", mu = " + std::to_string(mu_value));
      ASSERT_TRUE(tensor.summary.converged.all().item<bool>());
      EXPECT_TRUE(torch::equal(fused.summary.converged, tensor.summary.converged));
      EXPECT_LE(relative_gap(fused.lambda, tensor.lambda), 1e-9);
      EXPECT_LE(relative_gap(fused.w, tensor.w), 1e-9);
      // Rounding may move a convergence test by one iteration, never more.
      EXPECT_LE((fused.summary.iterations - tensor.summary.iterations).abs().max().item<int64_t>(), 1);
      EXPECT_LE(fused.summary.primal_residual.max().item<double>(), 1e-10);
      EXPECT_LE(fused.summary.complementarity_residual.max().item<double>(), 1e-10);
      EXPECT_LE(relative_gap(gradients[0][0], gradients[1][0]), 1e-7);
      EXPECT_LE(relative_gap(gradients[0][1], gradients[1][1]), 1e-7);
    }
  }
}

// The kernel factorises the implicit layer's Jacobian at the solution: its factors multiply
// back (P L U) to the derivative, taken by autograd, of the residual λ̂ ∘ (Fλ + q + ε) with
// its row scale s = λ̂ + ŵ held fixed (λ̂ = λ + ε, ŵ = max(Fλ + q, 0) + ε), and its row
// interchanges are LAPACK's; its transposed solve agrees with LAPACK's, and gives 0 where
// the factorisation failed.
TEST(SmallProblemInteriorPoint, FactorisesTheJacobianAsLapackAndSolvesItsTranspose) {
  for (const int64_t n : {1, 3, 8}) {
    SCOPED_TRACE("n = " + std::to_string(n));
    const LcpBatch problems = random_p_matrix_lcps(200, n, make_generator(40 + n));
    const auto mu = torch::zeros({200, n}, torch::kFloat64);
    const double floor = 1e-6;
    const auto solved = lcp::solve_small_problems(problems.F, problems.q, mu, {}, floor);
    const auto lambda = solved.iterates.lambda.detach().requires_grad_();
    const auto w = torch::matmul(problems.F, lambda.unsqueeze(-1)).squeeze(-1) + problems.q;
    const auto row_scale = (lambda + floor + w.clamp_min(0.0) + floor).detach();
    const auto residual = (lambda + floor) * (w + floor) / row_scale;
    std::vector<torch::Tensor> rows;
    for (int64_t i = 0; i < n; ++i) {
      rows.push_back(torch::autograd::grad({residual.select(1, i).sum()}, {lambda}, {}, /*retain_graph=*/true)[0]);
    }
    const auto jacobian = torch::stack(rows, 1);
    auto [permutation, lower, upper] = torch::lu_unpack(solved.jacobian.lu, solved.jacobian.pivots);
    EXPECT_TRUE(solved.jacobian.factored.all().item<bool>());
    EXPECT_LE((permutation.matmul(lower).matmul(upper) - jacobian).abs().max().item<double>(), 1e-10);
    auto [lu, pivots, info] = torch::linalg_lu_factor_ex(jacobian);
    ASSERT_TRUE((info == 0).all().item<bool>());
    EXPECT_TRUE(torch::equal(solved.jacobian.pivots, pivots));

    const auto rhs = torch::randn({200, n}, make_generator(7), torch::kFloat64);
    const auto expected = torch::linalg_lu_solve(lu, pivots, rhs.unsqueeze(-1), /*left=*/true, /*adjoint=*/true).squeeze(-1);
    lcp::JacobianFactors factors = solved.jacobian;
    ASSERT_TRUE(lcp::takes_small_adjoint_path(factors, rhs));
    EXPECT_LE((lcp::solve_jacobian_transposed(factors, rhs) - expected).abs().max().item<double>(), 1e-10);
    factors.factored = factors.factored.clone();
    factors.factored[0] = false;
    const auto partial = lcp::solve_jacobian_transposed(factors, rhs);
    EXPECT_TRUE((partial[0] == 0).all().item<bool>());
    EXPECT_LE((partial.narrow(0, 1, 199) - expected.narrow(0, 1, 199)).abs().max().item<double>(), 1e-10);
    // A right-hand side that records a graph (double backward) needs LAPACK's solve.
    EXPECT_FALSE(lcp::takes_small_adjoint_path(factors, rhs.clone().requires_grad_()));
  }
}

TEST(SmallProblemInteriorPoint, ReportsWhatItCannotSolveAsTheTensorPathDoes) {
  // Not a P-matrix (a zero principal minor). Both paths report the same, and a path that
  // claims convergence has found a solution (λ = (1, 0) is one): min(λ, Fλ + q) ≈ 0.
  const auto F = torch::tensor({1.0, 1.0, 1.0, 1.0}, torch::kFloat64).view({1, 2, 2});
  const auto q = torch::tensor({-1.0, 1.0}, torch::kFloat64).view({1, 2});
  lcp::SolverOptions few;
  few.max_iterations = 20;
  lcp::SolverOptions few_tensor = few;
  few_tensor.fused_small_problems = false;
  const auto fused = lcp::solve(F, q, few);
  const auto tensor = lcp::solve(F, q, few_tensor);
  EXPECT_EQ(fused.summary.converged.item<bool>(), tensor.summary.converged.item<bool>());
  for (const auto* result : {&fused, &tensor}) {
    EXPECT_TRUE(torch::isfinite(result->lambda).all().item<bool>());
    if (!result->summary.converged.item<bool>()) continue;
    const auto w = torch::matmul(F, result->lambda.unsqueeze(-1)).squeeze(-1) + q;
    EXPECT_LE(torch::minimum(result->lambda, w).abs().max().item<double>(), 1e-6);
  }
}

TEST(SmallProblemInteriorPoint, TakesOnlyCpuFloat64ProblemsUpToEightContactsWithoutAGraph) {
  const auto F = torch::eye(8, torch::kFloat64).expand({3, 8, 8});
  const auto q = torch::zeros({3, 8}, torch::kFloat64);
  const auto mu = torch::zeros({3, 8}, torch::kFloat64);
  EXPECT_TRUE(lcp::takes_small_problem_path(F, q, mu, {}));
  EXPECT_FALSE(lcp::takes_small_problem_path(F, q, mu, tensor_path()));
  EXPECT_FALSE(lcp::takes_small_problem_path(F.to(torch::kFloat32), q.to(torch::kFloat32), mu.to(torch::kFloat32), {}));
  const auto F9 = torch::eye(9, torch::kFloat64).expand({3, 9, 9});
  EXPECT_FALSE(lcp::takes_small_problem_path(F9, torch::zeros({3, 9}, torch::kFloat64), torch::zeros({3, 9}, torch::kFloat64), {}));
  // Recording a graph (the unrolled baseline) needs the tensor path.
  EXPECT_FALSE(lcp::takes_small_problem_path(F, q.clone().requires_grad_(), mu, {}));
}

}  // namespace
}  // namespace diffctl
