// The DR-vs-SA experiment (domain-randomized-lqr-sgd.md, Figure 1) on the shipped config.
#include "support/command.h"

#include <gtest/gtest.h>

namespace diffctl::testing {
namespace {

TEST(LqrDrVsSa, DomainRandomizationBeatsSampleAverageWithANarrowerGainBand) {
  const std::string out = scratch_dir("dr_vs_sa");
  const auto run = run_command(executable("lqr_dr_vs_sa") +
                               " --config data/configs/cartpole_dr_vs_sa.json --quiet --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto s = read_json(out + "/summary.json");
  EXPECT_LE(s["dr_final_cost_p50"].get<double>(), s["sa_final_cost_p50"].get<double>());
  const double dr_band = s["dr_k_norm_p90"].get<double>() - s["dr_k_norm_p10"].get<double>();
  const double sa_band = s["sa_k_norm_p90"].get<double>() - s["sa_k_norm_p10"].get<double>();
  EXPECT_LT(dr_band, sa_band);
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

TEST(LqrDrVsSa, ResumesAnInterruptedComparison) {
  const std::string out = scratch_dir("dr_vs_sa_resume");
  const std::string command = executable("lqr_dr_vs_sa") +
                              " --config data/configs/cartpole_dr_vs_sa.json --quiet --set trials=3 steps=150 "
                              "eval_systems=200 --out " + out;
  ASSERT_EQ(run_command(command).exit_code, 0);
  const auto expected = summary_without_timing(out);
  // As if killed while training the second mode, before its first checkpoint.
  for (const char* file : {"sa/checkpoint.pt", "sa/summary.json", "sa/policy.pt", "summary.json", "comparison.csv"}) {
    std::filesystem::remove(out + "/" + file);
  }
  const auto resumed = run_command(command + " --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(summary_without_timing(out), expected);
  EXPECT_TRUE(std::filesystem::exists(out + "/comparison.csv"));
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
