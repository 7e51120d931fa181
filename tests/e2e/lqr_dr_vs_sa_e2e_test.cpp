// The DR-vs-SA experiment (domain-randomized-lqr-sgd.md, Figure 1) on the shipped config.
#include "support/command.h"

#include <gtest/gtest.h>

#include <cmath>

namespace diffctl::testing {
namespace {

TEST(LqrDrVsSa, DomainRandomizationConvergesToTheDrOptimumAndBeatsTheNominalGain) {
  const std::string out = scratch_dir("dr_vs_sa");
  const auto run = run_command(executable("lqr_dr_vs_sa") +
                               " --config data/configs/cartpole_dr_vs_sa.json --quiet --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto s = read_json(out + "/summary.json");
  EXPECT_LE(s["dr_final_cost_p50"].get<double>(), s["sa_final_cost_p50"].get<double>());
  const double dr_band = s["dr_k_norm_p90"].get<double>() - s["dr_k_norm_p10"].get<double>();
  const double sa_band = s["sa_k_norm_p90"].get<double>() - s["sa_k_norm_p10"].get<double>();
  EXPECT_LT(dr_band, sa_band);
  // The figure a researcher reads: DR's median gain beats the free nominal Riccati gain and
  // sits within 0.1% of the Newton reference optimum, on the same evaluation sample; SA
  // keeps its sample's bias.
  const double optimum = s["dr_optimal_cost"].get<double>();
  EXPECT_LT(s["dr_final_cost_p50"].get<double>(), s["nominal_gain_cost"].get<double>());
  EXPECT_LT(optimum, s["nominal_gain_cost"].get<double>());
  EXPECT_LE(std::abs(s["dr_final_cost_p50"].get<double>() - optimum), 1e-3 * optimum);
  EXPECT_NEAR(s["dr_final_cost_relative_gap"].get<double>(), (s["dr_final_cost_p50"].get<double>() - optimum) / optimum,
              1e-12);
  EXPECT_GT(s["sa_final_cost_relative_gap"].get<double>(), s["dr_final_cost_relative_gap"].get<double>());
  // Learning, not just ordering: both modes end well below where SGD started.
  const std::string csv = read_file(out + "/comparison.csv");
  EXPECT_NE(csv.find("\ndr,100,"), std::string::npos);
  EXPECT_NE(csv.find("\nsa,2000,"), std::string::npos);
  for (const char* mode : {"dr", "sa"}) {
    EXPECT_TRUE(std::filesystem::exists(out + "/" + mode + "/policy.pt")) << mode;
    std::istringstream lines(read_file(out + "/" + mode + "/metrics.jsonl"));
    std::string first_line;
    std::getline(lines, first_line);
    const double first_train_cost = nlohmann::json::parse(first_line)["train_cost"];
    EXPECT_LT(s[std::string(mode) + "_final_cost_p90"].get<double>(), 0.95 * first_train_cost) << mode;
  }
}

// Killed while training (the modes train side by side), after a checkpoint of the second
// mode, the comparison resumes to exactly what an uninterrupted one writes.
TEST(LqrDrVsSa, ResumesAKilledComparison) {
  const std::string command = executable("lqr_dr_vs_sa") +
                              " --config data/configs/cartpole_dr_vs_sa.json --quiet --set trials=3 steps=400 "
                              "eval_systems=200 checkpoint_every=20 --out ";
  const std::string whole = scratch_dir("dr_vs_sa_whole"), killed = scratch_dir("dr_vs_sa_killed");
  ASSERT_EQ(run_command(command + whole).exit_code, 0);
  ASSERT_TRUE(kill_after_first_checkpoint(command + killed, killed, killed + "/sa"))
      << "no checkpoint in sa/, or the comparison finished before it could be killed";
  ASSERT_FALSE(std::filesystem::exists(killed + "/summary.json"));
  const auto resumed = run_command(executable("lqr_dr_vs_sa") + " --quiet --resume --out " + killed);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(summary_without_timing(killed), summary_without_timing(whole));
  EXPECT_EQ(read_file(killed + "/comparison.csv"), read_file(whole + "/comparison.csv"));
  for (const char* mode : {"dr", "sa"}) {
    EXPECT_EQ(metrics_without_timing(killed + "/" + mode), metrics_without_timing(whole + "/" + mode)) << mode;
  }
}

TEST(LqrDrVsSa, NeedsSeveralTrials) {
  const std::string out = scratch_dir("dr_vs_sa_one_trial");
  const auto run = run_command(executable("lqr_dr_vs_sa") +
                               " --config data/configs/cartpole_dr_vs_sa.json --set trials=1 --quiet --out " + out);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("trials: expected an integer >= 2"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace diffctl::testing
