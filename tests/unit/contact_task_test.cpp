// Contact tasks: the exact-LCS environment against the interior-point LCS step, the random-LCS
// control task against its stated construction, and the registry's names and errors.
#include "data/envs/contact_task.h"
#include "data/envs/env.h"
#include "data/envs/exact_lcs_env.h"
#include "data/envs/random_lcs_control.h"
#include "data/lcs/random_lcs.h"
#include "src/error.h"
#include "src/linalg/eigen_conversion.h"
#include "src/lqr/reference_lqr.h"
#include "src/random/counter_random.h"
#include "src/seeding.h"
#include "support/input_error.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <vector>

namespace diffctl {
namespace {

using testing::TensorsNear;

// Each step of the random task's real system (Lemke's method) lands where the tensor LCS
// step (interior point, μ = 0) puts it, with the same impulses, and charges xᵀQx + uᵀRu at
// the state it starts from (Q = I, R = 0.1 I as the task states them).
TEST(ContactTask, ExactLcsEnvStepsAsTheInteriorPointLcs) {
  const ContactTask task = random_lcs_control_task();
  auto env = task.make_env();
  const int64_t nx = 4, nu = 2, nl = 4;
  ASSERT_EQ(env->observation_size(), nx);
  ASSERT_EQ(env->action_size(), nu);
  ASSERT_EQ(env->contact_size(), nl);
  std::vector<double> state(nx), next(nx), action(nu), impulse(nl);
  env->reset(3, state.data());
  CounterRandom random(5);
  int in_contact = 0;
  for (int t = 0; t < 30; ++t) {
    for (auto& a : action) a = random.uniform(-2.0, 2.0);
    const auto x = torch::tensor(state, torch::kFloat64).view({1, nx});
    const auto u = torch::tensor(action, torch::kFloat64).view({1, nu});
    const LCSStep expected = lcs_step(task.matrices, x, u, torch::zeros({1, nl}, torch::kFloat64), {});
    ASSERT_TRUE(expected.summary.converged.all().item<bool>());
    const StepResult result = env->step(action.data(), next.data());
    env->last_impulse(impulse.data());
    EXPECT_TRUE(TensorsNear(torch::tensor(next, torch::kFloat64), expected.next_state[0], 1e-8, 1e-8)) << "step " << t;
    EXPECT_TRUE(TensorsNear(torch::tensor(impulse, torch::kFloat64), expected.lambda[0], 1e-8, 1e-8)) << "step " << t;
    const double cost = x.square().sum().item<double>() + 0.1 * u.square().sum().item<double>();
    EXPECT_NEAR(result.reward, -cost, 1e-12 * cost);
    EXPECT_FALSE(result.done);
    in_contact += expected.lambda.max().item<double>() > 0.0;
    state = next;
  }
  EXPECT_GE(in_contact, 3);
}

// The task as its options state it: A rescaled to the spectral radius, c = 0, d = |d|·offset
// of the generator's draw, the initial box; contacts are open at the origin, and from the
// box under the LQR baseline most episodes meet one.
TEST(ContactTask, RandomLcsControlIsTheStatedStableDrawWithContactsInItsBox) {
  RandomLcsControlOptions options;
  options.seed = 4;
  options.spectral_radius = 0.9;
  options.contact_offset = 0.5;
  options.contact_gain = 0.4;
  options.initial_bound = 2.0;
  const ContactTask task = random_lcs_control_task(options);
  const LCSMatrices draw = random_lcs(RandomLcsOptions{}, make_generator(4));
  EXPECT_NEAR(torch::linalg::eigvals(task.matrices.A).abs().max().item<double>(), 0.9, 1e-12);
  EXPECT_TRUE(TensorsNear(task.matrices.A / task.matrices.A[0][0], draw.A / draw.A[0][0], 1e-12));
  EXPECT_TRUE(torch::equal(task.matrices.B, draw.B));
  EXPECT_TRUE(TensorsNear(task.matrices.C, 0.4 * draw.C, 1e-15));
  EXPECT_TRUE(torch::equal(task.matrices.c, torch::zeros({4}, torch::kFloat64)));
  EXPECT_TRUE(TensorsNear(task.matrices.d, 0.5 * draw.d.abs(), 1e-15));
  EXPECT_TRUE(torch::equal(task.initial_state_bounds, torch::full({4}, 2.0, torch::kFloat64)));

  auto env = task.make_env();
  LinearPolicy lqr = task.lqr_policy();
  int episodes_in_contact = 0;
  std::vector<double> state(4), impulse(4);
  for (uint64_t episode = 0; episode < 20; ++episode) {
    env->reset(derive_seed(0, episode), state.data());
    bool touched = false;
    for (int t = 0; t < 50; ++t) {
      torch::NoGradGuard no_grad;
      const auto u = lqr->forward(torch::tensor(state, torch::kFloat64).view({1, 4})).contiguous();
      env->step(u.data_ptr<double>(), state.data());
      env->last_impulse(impulse.data());
      touched = touched || *std::max_element(impulse.begin(), impulse.end()) > 0.0;
    }
    episodes_in_contact += touched;
  }
  EXPECT_GE(episodes_in_contact, 10);
}

// The baseline is the Riccati gain of (A, B, Q, R): stabilising, and the closed-form LQR
// policy gradient (Lyapunov equations, not the Riccati iteration) vanishes there.
TEST(ContactTask, LqrBaselineIsStationaryForTheContactFreeSystem) {
  for (const auto& name : {"cartpole_soft_walls", "random_lcs_control"}) {
    const ContactTask task = make_contact_task(name);
    const Eigen::MatrixXd A = to_eigen(task.matrices.A), B = to_eigen(task.matrices.B);
    const Eigen::MatrixXd Q = to_eigen(task.cost.state_weights.unsqueeze(1)).col(0).asDiagonal();
    const Eigen::MatrixXd R = task.cost.input_weight * Eigen::MatrixXd::Identity(B.cols(), B.cols());
    const Eigen::MatrixXd K = to_eigen(task.lqr_policy()->gain.detach());
    EXPECT_LT((A - B * K).eigenvalues().cwiseAbs().maxCoeff(), 1.0) << name;
    const auto at_K = reference::lqr_cost_and_gradient(A, B, Q, R, Eigen::MatrixXd::Identity(A.rows(), A.rows()), K);
    EXPECT_LT(at_K.gradient.norm(), 1e-6 * at_K.cost) << name;
  }
}

TEST(ContactTask, NamesItsTasksAndRejectsUnknownOnesAndKeys) {
  const auto names = contact_task_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "random_lcs_control"), names.end());
  EXPECT_EQ(make_env("random_lcs_control")->observation_size(), 4);
  EXPECT_EQ(testing::input_error_of([] { make_contact_task("no_such_task"); }).substr(0, 30),
            "contact_task: expected one of ");
  EXPECT_EQ(testing::input_error_of([] { make_contact_task("random_lcs_control", {{"radius", 0.5}}); }),
            "contact_task_options.radius: unknown key (not a setting of this section)");
  EXPECT_EQ(testing::input_error_of([] { make_contact_task("cartpole_soft_walls", {{"seed", 1}}); }),
            "contact_task_options.seed: unknown key (not a setting of this section)");
}

}  // namespace
}  // namespace diffctl
