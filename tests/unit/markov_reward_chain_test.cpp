#include "modules/linear_value.h"
#include "modules/markov_reward_chain.h"
#include "src/autograd/gradient_check.h"
#include "src/error.h"
#include "src/linalg/gmres.h"
#include "src/seeding.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace diffctl {
namespace {

using testing::TensorsNear;

MarkovRewardChainOptions chain_options(int64_t n, int64_t actions, ChainBackwardSolver backward,
                                       double temperature = 0.0) {
  GmresOptions gmres;
  gmres.tolerance = 1e-13;
  return MarkovRewardChainOptions(n)
      .num_actions(actions)
      .eta(0.9)
      .forward_solver(ChainForwardSolver::direct)
      .backward_solver(backward)
      .soft_max_temperature(temperature)
      .gmres(gmres);
}

TEST(Gmres, MatchesADirectSolveOnRandomNonsymmetricSystems) {
  auto generator = make_generator(30);
  const int64_t n = 40;
  const auto A = torch::eye(n, torch::kFloat64) + 0.3 * torch::randn({5, n, n}, generator, torch::kFloat64) / std::sqrt(n);
  const auto b = torch::randn({5, n}, generator, torch::kFloat64);
  GmresOptions options;
  options.restart = 10;  // forces restarts
  const GmresResult result =
      solve_gmres([&](const torch::Tensor& x) { return torch::matmul(A, x.unsqueeze(-1)).squeeze(-1); }, b, options);
  EXPECT_TRUE(result.converged.all().item<bool>());
  EXPECT_TRUE((result.relative_residual <= 1e-10).all().item<bool>());
  EXPECT_TRUE(TensorsNear(result.x, torch::linalg::solve(A, b, true), 1e-8));
}

TEST(Gmres, ReportsAProblemThatMissesTheTolerance) {
  auto generator = make_generator(31);
  const int64_t n = 60;
  const auto A = torch::randn({1, n, n}, generator, torch::kFloat64);  // far from the identity
  const auto b = torch::randn({1, n}, generator, torch::kFloat64);
  GmresOptions options;
  options.restart = 2;
  options.max_restarts = 2;
  const GmresResult result =
      solve_gmres([&](const torch::Tensor& x) { return torch::matmul(A, x.unsqueeze(-1)).squeeze(-1); }, b, options);
  EXPECT_FALSE(result.converged.item<bool>());
  EXPECT_GT(result.relative_residual.item<double>(), 1e-10);
}

TEST(MarkovRewardChain, InitialTransitionsKeepASelfLoopOfAtLeastTwoThirds) {
  MarkovRewardChain chain(MarkovRewardChainOptions(7).num_actions(3), make_generator(32));
  const auto P = chain->transition_probabilities();
  ASSERT_EQ(P.sizes(), (std::vector<int64_t>{7, 3, 7}));
  EXPECT_TRUE(TensorsNear(P.sum(-1), torch::ones({7, 3}, torch::kFloat64), 1e-12));
  const auto self_loops = P.diagonal(0, 0, 2);  // (3, 7): P[s, a, s]
  EXPECT_GE(self_loops.min().item<double>(), 2.0 / 3.0 - 1e-12);
}

TEST(MarkovRewardChain, SolutionsSatisfyTheFixedPointAndValueIterationAgrees) {
  MarkovRewardChain direct(chain_options(9, 1, ChainBackwardSolver::direct), make_generator(33));
  const auto P = direct->transition_probabilities();
  const auto expected = torch::linalg::solve(torch::eye(9, torch::kFloat64) - 0.9 * P, direct->w, true);
  EXPECT_TRUE(TensorsNear(direct->forward(), expected, 1e-12));
  MarkovRewardChain iterated(MarkovRewardChainOptions(9).eta(0.9), make_generator(33));
  const auto theta = iterated->forward();
  EXPECT_TRUE(iterated->report().forward_converged);
  EXPECT_GT(iterated->report().forward_iterations, 10);
  EXPECT_TRUE(TensorsNear(theta, expected, 1e-5));  // ≤ η/(1 − η)·tolerance
  // Multi-action: Newton (policy iteration) and value iteration reach the same θ̂, the hard max.
  MarkovRewardChain multi(chain_options(9, 4, ChainBackwardSolver::direct), make_generator(34));
  const auto theta_multi = multi->forward();
  const auto Q = multi->w + 0.9 * torch::matmul(multi->transition_probabilities(), theta_multi);
  EXPECT_TRUE(TensorsNear(std::get<0>(Q.max(-1)), theta_multi, 1e-12));
  MarkovRewardChain multi_iterated(MarkovRewardChainOptions(9).num_actions(4).eta(0.9).value_iteration_tolerance(1e-12),
                                   make_generator(34));
  EXPECT_TRUE(TensorsNear(multi_iterated->forward(), theta_multi, 1e-9));
}

struct GradientCase {
  int64_t actions;
  double temperature;
};

class ChainGradient : public ::testing::TestWithParam<GradientCase> {};

// Acceptance: finite differences for the single- and multi-action chains, and the direct
// and GMRES backward agree to 1e-8.
TEST_P(ChainGradient, MatchesFiniteDifferencesAndGmresAgreesWithDirect) {
  const auto [actions, temperature] = GetParam();
  const int64_t n = 6;
  MarkovRewardChain chain(chain_options(n, actions, ChainBackwardSolver::direct, temperature), make_generator(35));
  const auto w = chain->w.detach().clone().requires_grad_();
  const auto F = (chain->F.detach() + 0.5 * torch::randn(chain->F.sizes(), make_generator(36), torch::kFloat64))
                     .requires_grad_();
  const auto weights = torch::linspace(-1.0, 2.0, n, torch::kFloat64);
  std::vector<std::vector<torch::Tensor>> gradients;
  for (ChainBackwardSolver backward : {ChainBackwardSolver::direct, ChainBackwardSolver::gmres}) {
    const auto options = chain_options(n, actions, backward, temperature);
    const auto check = check_gradients(
        [&](const std::vector<torch::Tensor>& x) { return markov_reward_chain_values(x[0], x[1], options); }, {w, F});
    EXPECT_TRUE(check.passed) << check.report;
    const auto theta = markov_reward_chain_values(w, F, options);
    gradients.push_back(torch::autograd::grad({(theta * weights).sum()}, {w, F}));
  }
  EXPECT_TRUE(TensorsNear(gradients[0][0], gradients[1][0], 1e-8));
  EXPECT_TRUE(TensorsNear(gradients[0][1], gradients[1][1], 1e-8));
}

INSTANTIATE_TEST_SUITE_P(Actions, ChainGradient,
                         ::testing::Values(GradientCase{1, 0.0}, GradientCase{3, 0.0}, GradientCase{3, 0.5}));

// JJᵀ in closed form against the Jacobian of θ̂(w, F) built row by row with autograd.
TEST(MarkovRewardChain, JacobianGramMatchesAutograd) {
  for (int64_t actions : {1, 3}) {
    const int64_t n = 5;
    MarkovRewardChain chain(chain_options(n, actions, ChainBackwardSolver::direct), make_generator(39));
    const auto theta = chain->forward();
    std::vector<torch::Tensor> rows;
    for (int64_t i = 0; i < n; ++i) {
      const auto gradients = torch::autograd::grad({theta[i]}, {chain->w, chain->F}, {}, /*retain_graph=*/true);
      rows.push_back(torch::cat({gradients[0].flatten(), gradients[1].flatten()}));
    }
    const auto J = torch::stack(rows);
    EXPECT_TRUE(TensorsNear(chain->jacobian_gram(theta.detach()), J.matmul(J.t()), 1e-10)) << actions << " actions";
  }
}

TEST(MarkovRewardChain, UnconvergedGmresBackwardIsAnErrorAndReported) {
  GmresOptions gmres;
  gmres.tolerance = 1e-15;
  gmres.restart = 1;
  gmres.max_restarts = 1;
  MarkovRewardChain chain(
      MarkovRewardChainOptions(30).eta(0.975).backward_solver(ChainBackwardSolver::gmres).gmres(gmres),
      make_generator(37));
  const auto theta = chain->forward();
  try {
    theta.sum().backward();
    ADD_FAILURE() << "the backward accepted an unconverged GMRES";
  } catch (const std::exception& error) {
    EXPECT_NE(std::string(error.what()).find("GMRES did not converge"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(chain->report().backward_converged);
  EXPECT_GT(chain->report().backward_relative_residual, 1e-15);
}

// The same seed gives the same θ: explicit θ₀ is the implicit chain's first solution.
TEST(LinearValue, StartsFromTheChainSolution) {
  MarkovRewardChain for_explicit(MarkovRewardChainOptions(12), make_generator(38));
  MarkovRewardChain implicit(MarkovRewardChainOptions(12), make_generator(38));
  LinearValue value(for_explicit);
  EXPECT_TRUE(TensorsNear(value->forward(), implicit->forward(), 0.0));
  EXPECT_TRUE(value->theta.requires_grad());
}

}  // namespace
}  // namespace diffctl
