#include "support/command.h"

#include <gtest/gtest.h>
#include <torch/cuda.h>

#include <filesystem>

namespace diffctl {
namespace {

using testing::executable;
using testing::read_json;
using testing::run_command;
using testing::scratch_dir;

testing::CommandResult lcs_fit(const std::string& arguments) {
  return run_command(executable("lcs_fit") + " " + arguments);
}

// The shipped cart-pole config learns the walls (issue 11's acceptance figure): on held-out
// transitions its exact LCS predicts x⁺ with a relative error below 1%, where the best
// linear model (which cannot bend at a wall) is off by about a third, with the data's
// contact modes (free, either wall) all present in the model.
TEST(LcsFit, CartPoleModelLearnsTheWalls) {
  const std::string out = scratch_dir("lcs_fit_cartpole");
  const auto run = lcs_fit("--config data/configs/lcs_fit_cartpole.json --quiet --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto summary = read_json(out + "/summary.json");
  EXPECT_EQ(summary["status"], "converged");
  EXPECT_TRUE(summary["solver_converged"].get<bool>());
  EXPECT_EQ(summary["data_modes"].get<int64_t>(), 3);
  EXPECT_GE(summary["model_modes"].get<int64_t>(), 3);
  const double error = summary["relative_error"].get<double>();
  EXPECT_LT(error, 0.01);
  EXPECT_GT(summary["linear_relative_error"].get<double>(), 0.2);
  EXPECT_EQ(summary["restart_train_errors"].size(), 3u);
  const auto model = read_json(out + "/model.json");
  EXPECT_EQ(model["F"].size(), 2u);
  EXPECT_TRUE(std::filesystem::exists(out + "/metrics.jsonl"));
}

TEST(LcsFit, RandomLcsModelBeatsTheBestLinearModel) {
  const std::string out = scratch_dir("lcs_fit_random");
  const auto run = lcs_fit("--config data/configs/lcs_fit_random.json --set fit_steps=1000 --quiet --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto summary = read_json(out + "/summary.json");
  EXPECT_GE(summary["data_modes"].get<int64_t>(), 8);
  EXPECT_LT(summary["relative_error"].get<double>(), 0.5 * summary["linear_relative_error"].get<double>());
}

// A learning rate the fit cannot survive is the run's outcome, not bad input: the run
// reports it in its summary (and writes no model) instead of failing in the next solve.
TEST(LcsFit, ADivergingFitIsReportedNotBadInput) {
  const std::string out = scratch_dir("lcs_fit_diverged");
  const auto run = lcs_fit("--config data/configs/lcs_fit_cartpole.json --set learning_rate=1e308 fit_steps=20 "
                           "--quiet --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto summary = read_json(out + "/summary.json");
  EXPECT_EQ(summary["status"], "diverged");
  EXPECT_FALSE(std::filesystem::exists(out + "/model.json"));
}

TEST(LcsFit, BadInputGetsOneLineAndNoOutput) {
  const std::string out = scratch_dir("lcs_fit_bad");
  for (const std::string& arguments :
       {std::string("--set learning_rate=-1"), std::string("--set fit_stepz=3"),
        std::string("--set state_bounds=[0.5,0.5]"), std::string("--set system=pendulum"),
        std::string("--set fit_mu=1.0"),
        std::string(torch::cuda::is_available() ? "--device cuda:99" : "--device cuda")}) {
    const auto run = lcs_fit("--config data/configs/lcs_fit_cartpole.json " + arguments + " --out " + out);
    EXPECT_EQ(run.exit_code, 2) << arguments << ": " << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << arguments;
  }
}

}  // namespace
}  // namespace diffctl
