// supervised_compare on a slice of Debian's Fashion-MNIST: its table is the mean and sd of
// its runs' own summaries, the best model per corruption is the one with the highest mean,
// two workers give the table one worker gives, an interrupted comparison resumes to the
// uninterrupted one's table without retraining finished runs, and bad input is rejected
// before any run directory exists.
#include "support/bad_input.h"
#include "support/command.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace diffctl {
namespace {

using testing::executable;
using testing::read_file;
using testing::read_json;
using testing::run_command;
using testing::scratch_dir;

// Two models of Table 1 at width 16 on 2000 training and 300 test images: seconds per run.
std::string tiny_config(int64_t seeds, int64_t workers) {
  const nlohmann::json config = {
      {"seeds", seeds},
      {"workers", workers},
      {"data", {{"train_images", 2000}, {"test_images", 300}}},
      {"common",
       {{"width", 16}, {"epochs", 1}, {"threads", 1}, {"learning_rate", 0.005}, {"checkpoint_every", 2}, {"log_every", 1}}},
      {"runs",
       {{"Dense-1", {{"model", "dense"}, {"model_options", {{"depth", 1}}}}},
        {"ODEtoODE-1", {{"model", "odetoode"}, {"model_options", {{"flow_steps", 4}, {"gates", 1}}}}}}}};
  const std::string path = scratch_dir("compare_config_" + std::to_string(seeds) + "_" + std::to_string(workers)) + ".json";
  std::ofstream(path) << config.dump(2);
  return path;
}

testing::CommandResult supervised_compare(const std::string& config_path, const std::string& arguments) {
  return run_command(executable("supervised_compare") + " --quiet --config " + config_path + " " + arguments);
}

const std::vector<std::string> kTable1Corruptions{"identity", "dotted_line", "spatter",     "stripe",     "translate", "rotate",
                                                  "scale",    "shear",       "motion_blur", "glass_blur", "shot_noise"};

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> fields;
    std::istringstream cells(line);
    for (std::string field; std::getline(cells, field, ',');) fields.push_back(field);
    rows.push_back(fields);
  }
  return rows;
}

std::string summary_key(const std::string& corruption) {
  return corruption == "identity" ? "clean_test_accuracy" : corruption + "_accuracy";
}

TEST(SupervisedCompare, TableIsTheMeanAndSdOfItsRunsAndWorkersDoNotChangeIt) {
  const std::string one = scratch_dir("compare_one_worker"), two = scratch_dir("compare_two_workers");
  const auto first = supervised_compare(tiny_config(2, 1), "--out " + one);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto second = supervised_compare(tiny_config(2, 2), "--out " + two);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(read_file(one + "/table.csv"), read_file(two + "/table.csv"));

  const auto rows = csv_rows(read_file(one + "/table.csv"));
  ASSERT_EQ(rows.size(), 1 + 2 * kTable1Corruptions.size());
  EXPECT_EQ(rows[0], (std::vector<std::string>{"model", "corruption", "accuracy_mean", "accuracy_sd", "seeds"}));
  const auto summary = read_json(one + "/summary.json");
  EXPECT_EQ(summary.at("models"), (nlohmann::json{"Dense-1", "ODEtoODE-1"}));
  EXPECT_EQ(summary.at("seeds").get<int64_t>(), 2);
  std::map<std::string, std::map<std::string, double>> means;  // corruption → model → mean
  for (size_t r = 1; r < rows.size(); ++r) {
    ASSERT_EQ(rows[r].size(), 5u);
    const std::string& model = rows[r][0];
    const std::string& corruption = rows[r][1];
    // Recomputed from the two runs' own summaries: percent, mean and sample sd.
    const double a = 100.0 * read_json(one + "/" + model + "-seed0/summary.json").at(summary_key(corruption)).get<double>();
    const double b = 100.0 * read_json(one + "/" + model + "-seed1/summary.json").at(summary_key(corruption)).get<double>();
    EXPECT_NEAR(std::stod(rows[r][2]), (a + b) / 2, 1e-4) << model << ' ' << corruption;
    EXPECT_NEAR(std::stod(rows[r][3]), std::abs(a - b) / std::sqrt(2.0), 1e-4) << model << ' ' << corruption;
    EXPECT_EQ(rows[r][4], "2");
    means[corruption][model] = (a + b) / 2;
    EXPECT_NEAR(summary.at(model).at(summary_key(corruption) + "_mean").get<double>(), (a + b) / 2, 1e-9);
  }
  ASSERT_EQ(means.size(), kTable1Corruptions.size());
  for (const auto& [corruption, by_model] : means) {
    const bool dense_best = std::round(100 * by_model.at("Dense-1")) >= std::round(100 * by_model.at("ODEtoODE-1"));
    const bool odetoode_best = std::round(100 * by_model.at("ODEtoODE-1")) >= std::round(100 * by_model.at("Dense-1"));
    nlohmann::json expected = nlohmann::json::array();
    if (dense_best) expected.push_back("Dense-1");
    if (odetoode_best) expected.push_back("ODEtoODE-1");
    EXPECT_EQ(summary.at("best").at(corruption), expected) << corruption;
  }
  EXPECT_EQ(summary.at("ODEtoODE-1").at("parameters"), read_json(one + "/ODEtoODE-1-seed0/summary.json").at("parameters"));
  // One markdown row per corruption and its best cell in bold.
  const std::string markdown = read_file(one + "/table.md");
  EXPECT_EQ(std::count(markdown.begin(), markdown.end(), '\n'), static_cast<long>(2 + kTable1Corruptions.size() + 2));
  EXPECT_GE(static_cast<size_t>(std::count(markdown.begin(), markdown.end(), '*')), 4 * kTable1Corruptions.size());
}

// A table of corrupted sets alone (no clean column), run by two workers, which report
// progress without the clean accuracy.
TEST(SupervisedCompare, ATableWithoutTheCleanSetRuns) {
  const std::string dir = scratch_dir("compare_stripe_only");
  const auto run = run_command(executable("supervised_compare") + " --config " + tiny_config(1, 2) +
                               " --set 'data.corruptions=[\"stripe\"]' --out " + dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto rows = csv_rows(read_file(dir + "/table.csv"));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][1], "stripe");
  EXPECT_EQ(rows[2][1], "stripe");
  EXPECT_FALSE(read_json(dir + "/summary.json").at("Dense-1").contains("clean_test_accuracy_mean"));
}

TEST(SupervisedCompare, AnInterruptedComparisonResumesWithoutRetrainingFinishedRuns) {
  const std::string whole = scratch_dir("compare_whole"), killed = scratch_dir("compare_killed");
  const std::string config = tiny_config(1, 1);
  ASSERT_EQ(supervised_compare(config, "--out " + whole).exit_code, 0);
  // Dense-1 runs first (runs in name order); the kill lands in ODEtoODE-1's run.
  ASSERT_TRUE(testing::kill_after_first_checkpoint(
      executable("supervised_compare") + " --quiet --config " + config + " --out " + killed, killed,
      killed + "/ODEtoODE-1-seed0"));
  ASSERT_TRUE(std::filesystem::exists(killed + "/Dense-1-seed0/summary.json"));
  ASSERT_FALSE(std::filesystem::exists(killed + "/ODEtoODE-1-seed0/summary.json"));
  const std::string finished_metrics = read_file(killed + "/Dense-1-seed0/metrics.jsonl");
  const auto resumed = run_command(executable("supervised_compare") + " --quiet --resume --out " + killed);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(read_file(killed + "/table.csv"), read_file(whole + "/table.csv"));
  // Retraining would log new wall times.
  EXPECT_EQ(read_file(killed + "/Dense-1-seed0/metrics.jsonl"), finished_metrics);
}

TEST(SupervisedCompare, BadInputIsOneLineAndNoRunDirectory) {
  const std::string config = tiny_config(1, 1);
  const std::vector<std::pair<std::string, std::string>> cases{
      {"--set runs.Dense-1.model=resnet", "runs.Dense-1.model: expected one of"},
      {"--set data.corruptions=[\"frost\"]", "data.corruptions"},
      {"--set data.data_dir=/nonexistent", "/nonexistent: no such directory"},
      {"--set runs.Dense-1.seed=3", "runs.Dense-1: the seeds come from seed and seeds"},
      {"--set runs.Dense-1.train_images=10", "runs.Dense-1.train_images: every run's data come from data"},
      {"--set workers=2 common.threads=0", "threads: expected 1 with workers > 1"},
      {"--set data.colour=1", "data.colour"},
      {"--device cuda", "cuda"}};
  testing::expect_rejected_before_any_run_directory(
      [&](const std::string& arguments, const std::string& out) {
        return supervised_compare(config, arguments + " --out " + out);
      },
      cases);
}

}  // namespace
}  // namespace diffctl
