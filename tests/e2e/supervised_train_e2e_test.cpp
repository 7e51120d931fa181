// supervised_train on a slice of Debian's Fashion-MNIST: it learns, tests on every
// corruption, resumes exactly, exports a model.pt that Python torch runs to the same
// accuracy, and rejects bad input before any run directory exists.
#include "support/bad_input.h"
#include "support/command.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace diffctl {
namespace {

using testing::executable;
using testing::read_json;
using testing::run_command;
using testing::scratch_dir;

// 3000 training and 1000 test images, two epochs, width 32: seconds per run.
const std::string kSmallRun =
    " --quiet --set train_images=3000 test_images=1000 epochs=2 width=32 threads=1 log_every=1 checkpoint_every=10 learning_rate=0.005";

testing::CommandResult supervised_train(const std::string& config, const std::string& arguments) {
  return run_command(executable("supervised_train") + " --config data/configs/supervised_" + config + ".json" +
                     kSmallRun + " " + arguments);
}

TEST(SupervisedTrain, DenseAndOdeToOdeLearnAndReportEveryCorruption) {
  for (const std::string config : {"dense1", "odetoode10"}) {
    const std::string dir = scratch_dir("supervised_" + config);
    const auto run = supervised_train(config, (config == "dense1" ? "" : "--set model_options.flow_steps=4") +
                                                  std::string(" --out ") + dir);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const auto summary = read_json(dir + "/summary.json");
    // Chance is 10%; two epochs on 3000 images reach above 50% clean (measured 66–77%).
    EXPECT_GT(summary["clean_test_accuracy"].get<double>(), 0.5) << config;
    for (const std::string corruption : {"dotted_line", "spatter", "stripe", "translate", "rotate", "scale", "shear",
                                         "motion_blur", "glass_blur", "shot_noise"}) {
      const double accuracy = summary.at(corruption + "_accuracy").get<double>();
      EXPECT_GE(accuracy, 0.0);
      EXPECT_LE(accuracy, 1.0);
    }
    // Stripe inverts a third of the image: far below the clean accuracy, as in the paper.
    EXPECT_LT(summary["stripe_accuracy"].get<double>(), summary["clean_test_accuracy"].get<double>() - 0.1);
    EXPECT_EQ(summary["steps"].get<int64_t>(), 2 * 24);  // ⌈3000 / 128⌉ minibatches per epoch
    if (config == "odetoode10") EXPECT_LT(summary["orthogonality_error"].get<double>(), 1e-4);  // float32
    EXPECT_TRUE(std::filesystem::exists(dir + "/model.pt"));
  }
}

// model.pt in Python torch: the 1000 test images read from the gzipped IDX files with the
// standard library give the trainer's clean accuracy, for (B, 28, 28) float64 pixels.
TEST(SupervisedTrain, ExportedModelGivesTheTrainersAccuracyInPython) {
  if (run_command("/usr/bin/python3 -c 'import torch'").exit_code != 0) GTEST_SKIP() << "python3-torch is not installed";
  const std::string dir = scratch_dir("supervised_export");
  const auto run = supervised_train("odetoode1", "--set model_options.flow_steps=4 --out " + dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto python = run_command(
      "/usr/bin/python3 -c \"import gzip, torch; d='/usr/share/datasets/fashion-mnist/'; "
      "x = torch.frombuffer(bytearray(gzip.open(d + 't10k-images-idx3-ubyte.gz').read()[16:]), dtype=torch.uint8); "
      "y = torch.frombuffer(bytearray(gzip.open(d + 't10k-labels-idx1-ubyte.gz').read()[8:]), dtype=torch.uint8); "
      "x = x.view(-1, 28, 28)[:1000].double() / 255; y = y[:1000].long(); "
      "m = torch.jit.load('" + dir + "/model.pt'); "
      "print((m(x).argmax(1) == y).double().mean().item())\"");
  ASSERT_EQ(python.exit_code, 0) << python.err;
  EXPECT_NEAR(std::stod(python.out), read_json(dir + "/summary.json")["clean_test_accuracy"].get<double>(), 2e-3)
      << "float64 pixels through a float32 model may flip a tie or two";
}

nlohmann::json without_timing(nlohmann::json value) {
  value.erase("wall_time_s");
  value.erase("time_s");
  value.erase("images_per_s");
  return value;
}

TEST(SupervisedTrain, AResumedRunEqualsAnUninterruptedOne) {
  const std::string whole = scratch_dir("supervised_whole"), killed = scratch_dir("supervised_killed");
  const std::string command = executable("supervised_train") + " --config data/configs/supervised_odetoode1.json" +
                              kSmallRun + " --set dropout=0.1 model_options.flow_steps=4 --out ";
  ASSERT_EQ(run_command(command + whole).exit_code, 0);
  ASSERT_TRUE(testing::kill_after_first_checkpoint(command + killed, killed))
      << "no checkpoint, or the run finished before it could be killed";
  const auto resumed = run_command(executable("supervised_train") + " --quiet --resume --out " + killed);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(without_timing(read_json(killed + "/summary.json")), without_timing(read_json(whole + "/summary.json")));
  const auto whole_metrics = testing::metrics_without_timing(whole), killed_metrics = testing::metrics_without_timing(killed);
  ASSERT_EQ(whole_metrics.size(), killed_metrics.size());
  for (size_t i = 0; i < whole_metrics.size(); ++i) {
    EXPECT_EQ(without_timing(killed_metrics[i]), without_timing(whole_metrics[i])) << "line " << i;
  }
}

TEST(SupervisedTrain, BadInputIsOneLineAndNoRunDirectory) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"--set corruptions=[\"frost\"]", "corruptions"},
      {"--set model=resnet", "model: expected one of"},
      {"--set data_dir=/nonexistent", "/nonexistent: no such directory"},
      {"--device cuda", "cuda"},
      {"--set model_options.depth=0", "depth"}};
  testing::expect_rejected_before_any_run_directory(
      [](const std::string& arguments, const std::string& out) {
        return supervised_train("dense1", arguments + " --out " + out);
      },
      cases);
}

}  // namespace
}  // namespace diffctl
