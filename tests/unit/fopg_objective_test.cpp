// The objective of model-based first-order policy gradient: model rollouts of the exact
// cart-pole LCS against the environment stepped by Lemke's method, and the gradient in
// the policy's gain against finite differences through smoothed contact.
#include "data/envs/cartpole_soft_walls.h"
#include "src/error.h"
#include "src/linalg/eigen_conversion.h"
#include "src/seeding.h"
#include "trainers/fopg/fopg_objective.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace diffctl {
namespace {

// Starts that press the pole's tip into either wall within a few steps, and one that never does.
torch::Tensor wall_hitting_states() {
  return torch::tensor({{0.1, -0.3, 0.5, -1.0}, {-0.1, 0.3, -0.5, 1.0}, {0.02, 0.01, 0.0, 0.0}}, torch::kFloat64);
}

TEST(FopgObjective, ExactModelRolloutsCostWhatTheRealSystemCharges) {
  auto policy = cartpole_soft_walls_task().lqr_policy();
  const auto initial = wall_hitting_states();
  const int64_t horizon = 60;
  const ModelRolloutOptions options{horizon, 0.9, 0.3};
  const auto exploration = torch::randn({horizon, 3, 1}, make_generator(3), torch::kFloat64);
  const LcsDynamics model(LCSLayer(LCSLayerOptions(4, 1, 2).learnable(false), cartpole_soft_walls_matrices()));
  const auto costs = model_rollout_costs(model, *policy, initial, exploration, cartpole_soft_walls_task().cost, options);

  const Eigen::RowVectorXd gain = to_eigen(policy->gain.detach());
  bool touched_a_wall = false;
  for (int64_t m = 0; m < 3; ++m) {
    CartPoleSoftWalls env;
    env.set_state(Eigen::Vector4d(initial[m][0].item<double>(), initial[m][1].item<double>(),
                                  initial[m][2].item<double>(), initial[m][3].item<double>()));
    double expected = 0.0, weight = 1.0, observation[4];
    for (int64_t t = 0; t < horizon; ++t) {
      const double u = -gain.dot(Eigen::VectorXd(env.state())) + 0.3 * exploration[t][m][0].item<double>();
      expected += weight * -env.step(&u, observation).reward;
      touched_a_wall = touched_a_wall || env.last_impulse().maxCoeff() > 0.0;
      weight *= 0.9;
    }
    EXPECT_NEAR(costs[m].item<double>(), expected, 1e-8 * expected) << "rollout " << m;
  }
  EXPECT_TRUE(touched_a_wall);
}

// Central differences of the mean cost in each gain entry, the same rollouts (initial
// states, exploration) throughout, through contact smoothed by each analytic mode.
TEST(FopgObjective, GradientInTheGainMatchesFiniteDifferencesThroughSmoothedContact) {
  for (const auto mode : {lcp::SmoothingMode::constant, lcp::SmoothingMode::contact_aware}) {
    auto policy = cartpole_soft_walls_task().lqr_policy();
    LCSLayerOptions layer(4, 1, 2);
    layer.smoothing(mode).mu(mode == lcp::SmoothingMode::constant ? 1e-3 : 0.0).sigma(0.05).learnable(false);
    const LcsDynamics model(LCSLayer(layer, cartpole_soft_walls_matrices()));
    const int64_t horizon = 40;
    const ModelRolloutOptions options{horizon, 0.99, 0.1};
    const auto initial = wall_hitting_states();
    const auto exploration = torch::randn({horizon, 3, 1}, make_generator(4), torch::kFloat64);
    const auto objective = [&] {
      return model_rollout_costs(model, *policy, initial, exploration, cartpole_soft_walls_task().cost, options).mean();
    };
    const auto analytic = torch::autograd::grad({objective()}, {policy->gain})[0];
    torch::NoGradGuard no_grad;
    for (int64_t j = 0; j < 4; ++j) {
      const double h = 1e-6 * std::max(1.0, std::abs(policy->gain[0][j].item<double>()));
      policy->gain[0][j] += h;
      const double plus = objective().item<double>();
      policy->gain[0][j] -= 2 * h;
      const double minus = objective().item<double>();
      policy->gain[0][j] += h;
      const double numeric = (plus - minus) / (2 * h);
      EXPECT_NEAR(analytic[0][j].item<double>(), numeric, 1e-5 * std::max(1.0, std::abs(numeric)))
          << lcp::to_string(mode) << ", entry " << j;
    }
  }
}

TEST(FopgObjective, RejectsExplorationOfTheWrongShape) {
  auto policy = cartpole_soft_walls_task().lqr_policy();
  const LcsDynamics model(LCSLayer(LCSLayerOptions(4, 1, 2).learnable(false), cartpole_soft_walls_matrices()));
  const ModelRolloutOptions options{10, 1.0, 0.1};
  EXPECT_THROW(model_rollout_costs(model, *policy, wall_hitting_states(), torch::zeros({5, 3, 1}, torch::kFloat64),
                                   cartpole_soft_walls_task().cost, options),
               InputError);
}

}  // namespace
}  // namespace diffctl
