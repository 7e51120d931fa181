// fopg and fopg_diagnostics end to end: model-based first-order policy gradient through
// contact improves on the LQR baseline on the real system, the exported policy reproduces
// the evaluation, a killed run resumes to the same result, bad input is rejected; and the
// diagnostics show smoothing trading variance for bias.
#include "support/command.h"

#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/script.h>

#include <filesystem>

namespace diffctl {
namespace {

using testing::executable;
using testing::kill_after_first_checkpoint;
using testing::metrics_without_timing;
using testing::read_json;
using testing::run_command;
using testing::scratch_dir;
using testing::summary_without_timing;

const std::string kConfig = " --config data/configs/fopg_cartpole_linear.json --quiet ";

// policy_rollout runs the run's policy.pt on the 64 evaluation episodes of `env` to minus
// the run's final cost.
void expect_rollout_reproduces(const std::string& run_dir, const std::string& env, double final_cost) {
  const auto rollout = run_command(executable("policy_rollout") + " --policy " + run_dir + "/policy.pt --env " + env +
                                   " --episodes 64 --seed 0");
  ASSERT_EQ(rollout.exit_code, 0) << rollout.err;
  EXPECT_NEAR(-nlohmann::json::parse(rollout.out)["mean_return"].get<double>(), final_cost, 1e-9 * final_cost);
}

// The shipped config, shortened to 6 iterations: the learned model predicts the policy's
// next real transitions to within 1%, and the linear policy started from the LQR gain costs
// less than it on the 64 evaluation states of the real system (2056 → 1816; the full
// 20 iterations reach 1580).
// policy_rollout reproduces the evaluation from policy.pt, which maps one raw state in
// float32 to an action too.
TEST(Fopg, LearnedModelImprovesOnTheLqrBaselineAndTheExportReproducesIt) {
  const std::string out = scratch_dir("fopg_learned");
  const auto run = run_command(executable("fopg") + kConfig + "--set steps=6 --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto summary = read_json(out + "/summary.json");
  EXPECT_EQ(summary["status"], "finished");
  EXPECT_EQ(summary["iterations"], 6);
  EXPECT_LT(summary["model_error"].get<double>(), 0.01);
  const double baseline = summary["baseline_cost"].get<double>(), final_cost = summary["final_cost"].get<double>();
  EXPECT_LT(final_cost, 0.95 * baseline);

  expect_rollout_reproduces(out, "cartpole_soft_walls", final_cost);

  torch::jit::Module policy = torch::jit::load(out + "/policy.pt");
  const auto state = torch::tensor({0.05, -0.1, 0.2, 0.3}, torch::kFloat64);
  const auto action64 = policy.forward({state}).toTensor();
  const auto action32 = policy.forward({state.to(torch::kFloat32)}).toTensor();
  ASSERT_EQ(action64.sizes(), torch::IntArrayRef({1}));
  EXPECT_EQ(action32.scalar_type(), torch::kFloat32);
  EXPECT_NEAR(action32.item<double>(), action64.item<double>(), 1e-4 * std::max(1.0, std::abs(action64.item<double>())));
}

// The second contact task, shortened to 2 of its 20 iterations: its LQR baseline, blind to
// the contacts, costs 40.7 on the 64 evaluation states; the learned model (within 2% on the
// policy's next transitions) takes the linear policy to 21 (seeds 0-2; 19.4 after 20).
// policy_rollout on the registered env reproduces the evaluation from policy.pt.
TEST(Fopg, RandomLcsTaskImprovesOnItsLqrBaseline) {
  const std::string out = scratch_dir("fopg_random_lcs");
  const auto run = run_command(executable("fopg") +
                               " --config data/configs/fopg_random_lcs.json --quiet --set steps=2 --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto summary = read_json(out + "/summary.json");
  EXPECT_EQ(summary["contact_task"], "random_lcs_control");
  EXPECT_LT(summary["model_error"].get<double>(), 0.02);
  const double baseline = summary["baseline_cost"].get<double>(), final_cost = summary["final_cost"].get<double>();
  EXPECT_LT(final_cost, 0.7 * baseline);

  expect_rollout_reproduces(out, "random_lcs_control", final_cost);
}

// Through the true system (no model learning) an MLP cloned from the LQR gain improves too.
TEST(Fopg, OracleTrainsAnMlpPolicyBelowItsStart) {
  const std::string out = scratch_dir("fopg_mlp");
  const auto run = run_command(executable("fopg") + kConfig +
                               "--set steps=4 oracle=true policy=mlp 'policy_options={\"hidden_sizes\":[16]}' --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto summary = read_json(out + "/summary.json");
  EXPECT_EQ(summary["policy"], "mlp");
  // Cloning reproduces the baseline closely, and the gradient steps then lower the cost.
  EXPECT_NEAR(summary["initial_cost"].get<double>(), summary["baseline_cost"].get<double>(),
              0.05 * summary["baseline_cost"].get<double>());
  EXPECT_LT(summary["final_cost"].get<double>(), 0.97 * summary["initial_cost"].get<double>());
}

// Randomized smoothing draws from the run's generator, which the checkpoint keeps.
TEST(Fopg, KilledRunResumesToTheUninterruptedResult) {
  const std::string args = executable("fopg") + kConfig +
                           "--set steps=4 oracle=true smoothing=randomized samples=4 rollouts=16 checkpoint_every=1 "
                           "--out ";
  const std::string whole = scratch_dir("fopg_whole"), killed = scratch_dir("fopg_killed");
  ASSERT_EQ(run_command(args + whole).exit_code, 0);
  ASSERT_TRUE(kill_after_first_checkpoint(args + killed, killed));
  const auto resumed = run_command(executable("fopg") + " --quiet --resume --out " + killed);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(summary_without_timing(killed), summary_without_timing(whole));
  EXPECT_EQ(metrics_without_timing(killed), metrics_without_timing(whole));
}

TEST(Fopg, BadInputGetsOneLineAndNoOutput) {
  const std::string out = scratch_dir("fopg_bad");
  for (const std::string& arguments :
       {std::string("--set smoothing=constant mu=0"), std::string("--set smoothing=soft"),
        std::string("--set horizonn=5"), std::string("--set exploration_state_bounds=[0.5,0.5]"),
        std::string("--set policy=iso_ode_to_ode"), std::string("--set contact_task=random_lcs"),
        std::string("--set contact_task_options.contact_gain=-1"), std::string("--set model.restarts=0"),
        std::string("--set policy=mlp 'policy_options={\"hidden_size\":[8]}'"),
        std::string(torch::cuda::is_available() ? "--device cuda:99" : "--device cuda")}) {
    const auto run = run_command(executable("fopg") + kConfig + arguments + " --out " + out);
    EXPECT_EQ(run.exit_code, 2) << arguments << ": " << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << arguments << ": " << run.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << arguments;
  }
}

// Propositions 3.4 and 4.3 on the cart-pole at H = 100: the strongest smoothing of each mode
// (μ = 0.01, σ = 0.1) has well under the variance of the weakest and a bias far above the
// sampling floor; the exact mode's bias stays within its floor. (32 batches of 16 rollouts:
// with fewer, the heavy tail of the gradients through wall impacts makes the variance
// estimate itself unreliable.)
TEST(FopgDiagnostics, SmoothingTradesVarianceForBias) {
  const std::string out = scratch_dir("fopg_diagnostics");
  const auto run = run_command(executable("fopg_diagnostics") +
                               " --config data/configs/fopg_diagnostics.json --quiet --set horizons=[100] "
                               "mu_values=[0.00001,0.01] sigma_values=[0.003,0.1] reference_batches=128 --out " +
                               out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto summary = read_json(out + "/summary.json");
  for (const char* mode : {"constant", "contact_aware", "randomized"}) {
    const auto& figures = summary[mode];
    EXPECT_LT(figures["strongest"]["variance"].get<double>(), 0.6 * figures["weakest"]["variance"].get<double>())
        << mode;
    EXPECT_GT(figures["strongest"]["bias"].get<double>(), 2.0 * figures["strongest"]["bias_floor"].get<double>())
        << mode;
    EXPECT_GT(figures["strongest"]["bias"].get<double>(), figures["weakest"]["bias"].get<double>()) << mode;
  }
  EXPECT_LT(summary["exact"]["bias"].get<double>(), 3.0 * summary["exact"]["bias_floor"].get<double>());
  EXPECT_TRUE(std::filesystem::exists(out + "/diagnostics.csv"));
}

}  // namespace
}  // namespace diffctl
