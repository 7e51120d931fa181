#include "support/command.h"

#include <gtest/gtest.h>
#include <torch/cuda.h>

#include <filesystem>
#include <sstream>

namespace diffctl {
namespace {

using testing::executable;
using testing::read_file;
using testing::read_json;
using testing::run_command;
using testing::scratch_dir;

testing::CommandResult lcs_smoothing(const std::string& arguments) {
  return run_command(executable("lcs_smoothing") + " " + arguments);
}

// The shipped example shows what section 4 claims on the 1-D contact: the exact slope
// jumps from −1/F to 0, contact-aware smoothing follows randomized smoothing with μ ≈ 0
// away from the contact, and constant smoothing stays biased everywhere.
TEST(LcsSmoothing, ShippedExampleShowsTheSmoothingModes) {
  const std::string out = scratch_dir("lcs_smoothing");
  const auto run = lcs_smoothing("--config data/configs/lcs_smoothing_1d.json --set stiffness=2.0 --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto summary = read_json(out + "/summary.json");
  EXPECT_NEAR(summary["exact_slope_min"].get<double>(), -0.5, 1e-9);  // −1/F
  EXPECT_NEAR(summary["exact_slope_max"].get<double>(), 0.0, 1e-9);
  // Monte-Carlo with 2000 samples at σ = 0.1: standard error ≈ 0.05/√2000 ≈ 1e-3 for λ.
  EXPECT_LT(summary["contact_aware_vs_randomized_max_lambda_gap"].get<double>(), 6e-3);
  EXPECT_LT(summary["contact_aware_vs_randomized_max_slope_gap"].get<double>(), 0.05);
  EXPECT_LT(summary["contact_aware_mu_at_z_max"].get<double>(), 1e-12);
  EXPECT_LT(summary["contact_aware_mu_at_z_min"].get<double>(), 1e-12);
  EXPECT_GT(summary["contact_aware_mu_max"].get<double>(), 1e-4);
  // Constant μ = 0.01 with F = 2 lifts λ(1) to ≈ μ/z = 0.01; contact-aware's bias is
  // concentrated at z = 0, σφ(0)/F ≈ 0.02.
  EXPECT_GT(summary["constant_max_lambda_bias"].get<double>(), 0.005);
  EXPECT_NEAR(summary["contact_aware_max_lambda_bias"].get<double>(), 0.1 / std::sqrt(2.0 * M_PI) / 2.0, 1e-6);

  std::istringstream csv(read_file(out + "/smoothing.csv"));
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header.rfind("z,lambda_exact,dlambda_dz_exact", 0), 0u) << header;
  int64_t rows = 0;
  for (std::string line; std::getline(csv, line);) ++rows;
  EXPECT_EQ(rows, 201);
  EXPECT_TRUE(std::filesystem::exists(out + "/config.json"));
}

TEST(LcsSmoothing, BadInputGetsOneLineAndNoOutput) {
  const std::string out = scratch_dir("lcs_smoothing_bad");
  for (const std::string& arguments :
       {std::string("--set sigma=-1"), std::string("--set stifness=2"), std::string("--set z_max=-3"),
        std::string(torch::cuda::is_available() ? "--device cuda:99" : "--device cuda")}) {
    const auto run = lcs_smoothing("--config data/configs/lcs_smoothing_1d.json " + arguments + " --out " + out);
    EXPECT_EQ(run.exit_code, 2) << arguments << ": " << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << arguments;
  }
}

}  // namespace
}  // namespace diffctl
