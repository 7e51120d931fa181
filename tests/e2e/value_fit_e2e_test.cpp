#include "support/command.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace diffctl {
namespace {

using testing::executable;
using testing::kill_after_first_checkpoint;
using testing::read_file;
using testing::read_json;
using testing::run_command;
using testing::scratch_dir;

testing::CommandResult value_fit(const std::string& arguments) {
  return run_command(executable("value_fit") + " --quiet " + arguments);
}

// Both parameterizations start from one θ and learn: the test residual falls far below its
// start, with a reward offset that puts most of it along 1.
TEST(ValueFit, BothParameterizationsStartTogetherAndLearn) {
  const std::string base = "--config data/configs/value_chain.json --set reward_offset=1.0 seed=3 ";
  const std::string explicit_dir = scratch_dir("value_explicit");
  const std::string implicit_dir = scratch_dir("value_implicit");
  const auto explicit_run = value_fit(base + "parameterization=explicit step_size=0.5 --out " + explicit_dir);
  const auto implicit_run = value_fit(base + "parameterization=implicit --out " + implicit_dir);
  ASSERT_EQ(explicit_run.exit_code, 0) << explicit_run.err;
  ASSERT_EQ(implicit_run.exit_code, 0) << implicit_run.err;
  const auto explicit_summary = read_json(explicit_dir + "/summary.json");
  const auto implicit_summary = read_json(implicit_dir + "/summary.json");
  EXPECT_EQ(explicit_summary["initial_residual_norm"], implicit_summary["initial_residual_norm"]);
  for (const auto& summary : {explicit_summary, implicit_summary}) {
    EXPECT_FALSE(summary["diverged"].get<bool>());
    EXPECT_LT(summary["final_residual_norm"].get<double>(), 0.2 * summary["initial_residual_norm"].get<double>());
    EXPECT_NEAR(std::hypot(summary["residual_ones_norm"].get<double>(), summary["residual_ortho_norm"].get<double>()),
                summary["final_residual_norm"].get<double>(), 1e-9);
    EXPECT_GT(summary["update_variance_ratio"].get<double>(), 1.0);
  }
  // Logged every 10 steps: 30 evaluations with the residual split.
  std::ifstream metrics(implicit_dir + "/metrics.jsonl");
  int evaluations = 0;
  for (std::string line; std::getline(metrics, line);) {
    evaluations += nlohmann::json::parse(line).contains("residual_ones_norm") ? 1 : 0;
  }
  EXPECT_EQ(evaluations, 30);
}

// Corollary 2: with every one-hot state once, the explicit update's variance/mean-square
// ratio is n/k at every evaluation, computed and measured from sampled minibatches. The
// implicit ratio starts far below it while the residual lies mostly along 1 (Corollary 3).
TEST(ValueFit, DistinctOneHotStatesGiveTheExplicitRatioNOverK) {
  const std::string base = "--config data/configs/value_four_rooms.json --set train_set=distinct_states "
                           "reward_offset=1.0 steps=100 variance_draws=4000 ";
  const std::string explicit_dir = scratch_dir("value_ratio_explicit");
  const std::string implicit_dir = scratch_dir("value_ratio_implicit");
  ASSERT_EQ(value_fit(base + "parameterization=explicit step_size=16 --out " + explicit_dir).exit_code, 0);
  ASSERT_EQ(value_fit(base + "parameterization=implicit --out " + implicit_dir).exit_code, 0);
  const auto explicit_summary = read_json(explicit_dir + "/summary.json");
  const double n = explicit_summary["train_size"].get<double>();
  const double n_over_k = n / explicit_summary["batch_size"].get<double>();
  ASSERT_GT(n_over_k, 2.0);
  EXPECT_NEAR(explicit_summary["update_variance_ratio_without_replacement_min"].get<double>(), n_over_k, 1e-9);
  EXPECT_NEAR(explicit_summary["update_variance_ratio_without_replacement_max"].get<double>(), n_over_k, 1e-9);
  for (const char* bound : {"_min", "_max"}) {
    EXPECT_NEAR(explicit_summary[std::string("update_variance_ratio_without_replacement_sampled") + bound].get<double>(),
                n_over_k, 0.06 * n_over_k) << bound;
  }
  const auto implicit_summary = read_json(implicit_dir + "/summary.json");
  EXPECT_EQ(implicit_summary["train_size"].get<double>(), n);
  EXPECT_LT(implicit_summary["update_variance_ratio_without_replacement_min"].get<double>(), 0.5 * n_over_k);
}

// Killed after a checkpoint and resumed, a run logs and ends exactly as an uninterrupted one,
// the measured variance ratios (their own random stream) included.
TEST(ValueFit, KilledRunResumesToTheSameResult) {
  const std::string command = executable("value_fit") +
                              " --quiet --config data/configs/value_four_rooms.json --set checkpoint_every=30 "
                              "train_set=distinct_states variance_draws=2000 --out ";
  const std::string whole = scratch_dir("value_whole"), killed = scratch_dir("value_killed");
  ASSERT_EQ(run_command(command + whole).exit_code, 0);
  ASSERT_TRUE(kill_after_first_checkpoint(command + killed, killed))
      << "no checkpoint, or the run finished before it could be killed";
  const auto resumed = value_fit("--resume --out " + killed);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(testing::summary_without_timing(killed), testing::summary_without_timing(whole));
  EXPECT_EQ(testing::metrics_without_timing(killed), testing::metrics_without_timing(whole));
}

TEST(ValueFit, GmresBackwardTrainsLikeTheDirectOne) {
  const std::string base = "--config data/configs/value_four_rooms.json --set steps=40 forward=direct ";
  const std::string direct_dir = scratch_dir("value_direct");
  const std::string gmres_dir = scratch_dir("value_gmres");
  ASSERT_EQ(value_fit(base + "backward=direct --out " + direct_dir).exit_code, 0);
  ASSERT_EQ(value_fit(base + "backward=gmres --out " + gmres_dir).exit_code, 0);
  EXPECT_NEAR(read_json(direct_dir + "/summary.json")["final_residual_norm"].get<double>(),
              read_json(gmres_dir + "/summary.json")["final_residual_norm"].get<double>(), 1e-6);
}

TEST(ValueFit, ADivergingRunIsReportedNotACrash) {
  const std::string out = scratch_dir("value_diverged");
  const auto run = value_fit("--config data/configs/value_chain.json --set step_size=64 reward_offset=1.0 "
                             "parameterization=explicit --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto summary = read_json(out + "/summary.json");
  EXPECT_TRUE(summary["diverged"].get<bool>());
  EXPECT_TRUE(summary["final_residual_norm"].is_null());
  // The run stops at the step it diverged: its metrics end there, long before step 300.
  const auto metrics = testing::metrics_without_timing(out);
  ASSERT_FALSE(metrics.empty());
  EXPECT_EQ(metrics.back()["step"].get<int64_t>(), summary["diverged_step"].get<int64_t>());
  EXPECT_LT(summary["diverged_step"].get<int64_t>(), 250);
}

TEST(ValueFit, BadInputGetsOneLineAndNoRunDirectory) {
  const std::string out = scratch_dir("value_bad");
  for (const std::string& arguments :
       {std::string("--set parameterization=both"), std::string("--set eta=1.0"), std::string("--set domain=maze"),
        std::string("--set backward=cg"), std::string("--device cuda")}) {
    const auto run = value_fit("--config data/configs/value_chain.json " + arguments + " --out " + out);
    EXPECT_EQ(run.exit_code, 2) << arguments << ": " << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << arguments;
  }
}

// A small sweep: every run lands in runs.csv, the figure tables have one row per point, and
// the variance study finds Corollary 2's n/k for explicit one-hot distinct states only.
TEST(ValueSweep, SmallSweepWritesTheFigureTablesAndTheVarianceStudy) {
  const std::string out = scratch_dir("value_sweep");
  const auto run = run_command(executable("value_sweep") +
                               " --quiet --config data/configs/value_sweep.json --set 'domains=[\"chain\",\"four_rooms\"]' seeds=2 "
                               "'etas=[0.9,0.95]' 'reward_offsets=[0.0,1.0]' value_fit.steps=100 value_fit.four_rooms_states=open_cells "
                               "--out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto lines = [&](const std::string& name) {
    std::ifstream file(out + "/" + name);
    int count = 0;
    for (std::string line; std::getline(file, line);) ++count;
    return count;
  };
  // domains × offsets × seeds × (explicit + η × implicit rates)
  EXPECT_EQ(lines("runs.csv"), 1 + 2 * 2 * 2 * (6 + 2 * 6));
  EXPECT_EQ(lines("figure2.csv"), 1 + 2 * 2 * 2);
  EXPECT_EQ(lines("figure3.csv"), 1 + 2 * 2 * 2);
  // domains × train sets × parameterizations × offsets × seeds
  EXPECT_EQ(lines("variance.csv"), 1 + 2 * 2 * 2 * 2 * 2);
  const auto summary = read_json(out + "/summary.json");
  EXPECT_EQ(summary["runs"].get<int64_t>(), 144);
  // Theorem 4 on four rooms (episodes from open cells, tested on them): the offset's 1
  // component grows the explicit residual more.
  EXPECT_TRUE(summary["four_rooms_implicit_grows_less"].get<bool>());
  EXPECT_GT(summary["four_rooms_explicit_residual_growth"].get<double>(),
            2.0 * summary["four_rooms_implicit_residual_growth"].get<double>());
  EXPECT_EQ(summary["chain_offset_with_largest_ones"].get<double>(), 1.0);  // rewards ≥ 0: values rise with it
  const auto& study = summary["variance_study"]["chain"];
  EXPECT_LT(study["distinct_states"]["explicit"]["max_relative_gap_to_n_over_k"].get<double>(), 1e-9);
  EXPECT_LT(study["distinct_states"]["explicit"]["sampled_max_relative_gap_to_n_over_k"].get<double>(), 0.15);
  EXPECT_GT(study["samples"]["explicit"]["max_relative_gap_to_n_over_k"].get<double>(), 0.1);  // states repeat
  EXPECT_GT(study["distinct_states"]["implicit"]["max_relative_gap_to_n_over_k"].get<double>(), 0.1);
  EXPECT_FALSE(std::filesystem::exists(out + "/scratch"));
}

TEST(ValueSweep, BadInputGetsOneLineAndNoRunDirectory) {
  const std::string out = scratch_dir("value_sweep_bad");
  for (const std::string& arguments :
       {std::string("--set figure2_eta=0.5"), std::string("--set 'etas=[1.5]' figure2_eta=1.5"),
        std::string("--set seedz=3"), std::string("--set 'domains=[\"maze\"]'"),
        std::string("--set value_fit.backward=cg"),
        std::string("--set 'domains=[\"chain\"]' 'variance_study.domains=[\"four_rooms\"]'"),
        std::string("--set variance_study.batch_sizes.chain=0")}) {
    const auto run = run_command(executable("value_sweep") + " --quiet --config data/configs/value_sweep.json " +
                                 arguments + " --out " + out);
    EXPECT_EQ(run.exit_code, 2) << arguments << ": " << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << arguments;
  }
}

}  // namespace
}  // namespace diffctl
