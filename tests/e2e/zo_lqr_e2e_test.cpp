// zo_lqr: derivative-free policy gradient on the appendix-D instances.
#include "data/lqr/lqr_instance.h"
#include "src/lqr/lqr_cost.h"
#include "support/command.h"

#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/script.h>

namespace diffctl::testing {
namespace {

CommandResult zo_lqr(const std::string& arguments) { return run_command(executable("zo_lqr") + " --quiet " + arguments); }

// From C(K₀) = 2·C(K*), the two-point estimator reaches C(K) − C(K*) ≤ 0.05 for every seed 1–10.
TEST(ZoLqr, ShippedConfigsReachTheToleranceForSeedsOneToTen) {
  for (const std::string instance : {"malik3", "dean"}) {
    for (int seed = 1; seed <= 10; ++seed) {
      const std::string out = scratch_dir("zo_" + instance + "_" + std::to_string(seed));
      const auto run = zo_lqr("--config data/configs/zo_lqr_" + instance + ".json --seed " + std::to_string(seed) +
                              " --out " + out);
      ASSERT_EQ(run.exit_code, 0) << instance << " seed " << seed << ": " << run.err;
      const auto s = read_json(out + "/summary.json");
      EXPECT_TRUE(s["reached_tolerance"].get<bool>()) << instance << " seed " << seed;
      EXPECT_LE(s["suboptimality"].get<double>(), 0.05) << instance << " seed " << seed;
      EXPECT_NEAR(s["initial_cost"].get<double>(), 2.0 * s["optimal_cost"].get<double>(), 1e-6 * s["optimal_cost"].get<double>());
      EXPECT_EQ(s["evaluations"].get<int64_t>(), 2 * 8 * s["steps"].get<int64_t>());
    }
  }
}

// The same run with 1 and 2 evaluation threads; policy.pt is u = −Kx for a K whose cost,
// computed independently by the tensor Lyapunov layer, is the summary's final_cost.
TEST(ZoLqr, ThreadCountDoesNotChangeTheRunAndThePolicyHasTheReportedCost) {
  const std::string one = scratch_dir("zo_one"), two = scratch_dir("zo_two");
  ASSERT_EQ(zo_lqr("--config data/configs/zo_lqr_malik3.json --set threads=1 --out " + one).exit_code, 0);
  ASSERT_EQ(zo_lqr("--config data/configs/zo_lqr_malik3.json --set threads=2 --out " + two).exit_code, 0);
  EXPECT_EQ(summary_without_timing(one), summary_without_timing(two));
  torch::jit::Module policy = torch::jit::load(two + "/policy.pt");
  const auto gain = -policy.forward({torch::eye(3, torch::kFloat64)}).toTensor().t();  // rows of −Kx for x = eᵢ
  const auto instance = load_lqr_instance("malik3");
  const double cost = lqr_cost(instance.system, gain.unsqueeze(0)).cost.item<double>();
  EXPECT_NEAR(cost, read_json(two + "/summary.json")["final_cost"].get<double>(), 1e-9 * cost);
}

TEST(ZoLqr, RolloutObjectiveAlsoConverges) {
  const std::string out = scratch_dir("zo_rollout");
  const auto run = zo_lqr("--config data/configs/zo_lqr_malik3.json --set objective=rollout rollout_horizon=200 --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(read_json(out + "/summary.json")["reached_tolerance"].get<bool>());
}

TEST(ZoLqr, BadInputGetsOneLineAndNoRunDirectory) {
  const std::string out = scratch_dir("zo_bad");
  std::vector<std::string> cases{"--set estimator=es", "--set smoothing_radius=0", "--set instance=nowhere",
                                 "--set init_cost_factor=0.5", "--set stepsize=1"};
  if (!torch::cuda::is_available()) cases.push_back("--device cuda");
  for (const auto& arguments : cases) {
    const auto run = zo_lqr("--config data/configs/zo_lqr_malik3.json " + arguments + " --out " + out);
    EXPECT_EQ(run.exit_code, 2) << arguments << ": " << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << arguments;
  }
}

}  // namespace
}  // namespace diffctl::testing
