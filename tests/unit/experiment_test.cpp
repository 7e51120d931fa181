#include "src/config/config_reader.h"
#include "src/error.h"
#include "support/command.h"
#include "trainers/framework/experiment.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace diffctl {
namespace {

// Fails while running as its config's "failure" says.
class FailingExperiment : public Experiment {
 public:
  explicit FailingExperiment(ConfigReader& config)
      : failure_(config.choice("failure", "none", {"none", "input", "checkpoint"})) {}
  nlohmann::json run(RunSink&, bool, bool) override {
    if (failure_ == "input") throw InputError("lcp::solve: F: expected finite entries");
    if (failure_ == "checkpoint") throw CheckpointError("checkpoint.pt: not a readable checkpoint");
    return {{"status", "finished"}};
  }

 private:
  std::string failure_;
};

int run_failing(const std::string& failure, const std::string& out) {
  const std::string config = out + ".json";
  std::ofstream(config) << nlohmann::json{{"failure", failure}}.dump();
  const char* argv[] = {"failing", "--config", config.c_str(), "--out", out.c_str(), "--quiet"};
  return run_experiment_main(6, argv, "failing: a test experiment", [](ConfigReader& reader, torch::Device) {
    return std::make_unique<FailingExperiment>(reader);
  });
}

// Input is validated before the run directory exists; an InputError the library throws
// while running (a diverged run's non-finite matrices) is the run's failure, exit 1. Only an
// unreadable --resume checkpoint, read while running, is still bad input, exit 2.
TEST(Experiment, AnInputErrorWhileRunningIsARuntimeFailure) {
  const std::string finished = testing::scratch_dir("experiment_finished");
  EXPECT_EQ(run_failing("none", finished), 0);
  EXPECT_TRUE(std::filesystem::exists(finished + "/summary.json"));
  const std::string failed = testing::scratch_dir("experiment_failed");
  EXPECT_EQ(run_failing("input", failed), 1);
  EXPECT_FALSE(std::filesystem::exists(failed + "/summary.json"));
  EXPECT_EQ(run_failing("checkpoint", testing::scratch_dir("experiment_checkpoint")), 2);
  const std::string bad = testing::scratch_dir("experiment_bad_config");
  EXPECT_EQ(run_failing("neither", bad), 2);
  EXPECT_FALSE(std::filesystem::exists(bad));
}

}  // namespace
}  // namespace diffctl
