// End-to-end tests of build/bin/lqr_pg: they run the executable on shipped configs and read
// the run directory it writes.
#include "support/command.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/script.h>
#include <torch/serialize.h>

#include <cmath>
#include <map>

namespace diffctl::testing {
namespace {

namespace fs = std::filesystem;

CommandResult lqr_pg(const std::string& arguments) { return run_command(executable("lqr_pg") + " " + arguments); }

class ShippedInstance : public ::testing::TestWithParam<std::string> {};

TEST_P(ShippedInstance, GradientDescentReachesTheRiccatiOptimum) {
  const std::string out = scratch_dir("converge_" + GetParam());
  const auto run = lqr_pg("--config data/configs/lqr_" + GetParam() + ".json --quiet --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto summary = read_json(out + "/summary.json");
  const double final_cost = summary["final_cost"], optimal_cost = summary["optimal_cost"];
  EXPECT_LE(std::abs(final_cost - optimal_cost), 1e-6 * optimal_cost)
      << "final " << final_cost << " vs optimal " << optimal_cost;
  EXPECT_EQ(summary["unstable_fraction"], 0.0);
  for (const char* file : {"config.json", "metrics.jsonl", "checkpoint.pt", "policy.pt"}) {
    EXPECT_TRUE(fs::exists(out + "/" + file)) << file;
  }
}

INSTANTIATE_TEST_SUITE_P(AppendixD, ShippedInstance, ::testing::Values("malik3", "dean"));

// Seeds 5–7 of the 3×3 instance take a step out of the stable set (infinite cost) on the
// way: it is halved and retried, counted, and the run still reaches the optimum.
TEST(LqrPg, AStepLeavingTheStableSetIsBacktrackedAndCounted) {
  for (const char* seed : {"5", "6", "7"}) {
    const std::string out = scratch_dir(std::string("backtrack_") + seed);
    const auto run = lqr_pg(std::string("--config data/configs/lqr_malik3.json --quiet --seed ") + seed + " --out " + out);
    ASSERT_EQ(run.exit_code, 0) << seed << ": " << run.err;
    const auto summary = read_json(out + "/summary.json");
    EXPECT_GT(summary["backtracks"].get<int64_t>(), 0) << seed;
    EXPECT_LT(summary["relative_gap"].get<double>(), 1e-5) << seed;
  }
}

TEST(LqrPg, PolicyFileMapsStatesToMinusKx) {
  const std::string out = scratch_dir("policy");
  ASSERT_EQ(lqr_pg("--config data/configs/lqr_dean.json --quiet --set steps=50 --out " + out).exit_code, 0);
  torch::serialize::InputArchive checkpoint, trainer;
  checkpoint.load_from(out + "/checkpoint.pt");
  checkpoint.read("trainer", trainer);
  torch::Tensor gains;
  trainer.read("gains", gains);
  const auto states = torch::randn({7, 3}, torch::kFloat64);
  auto policy = torch::jit::load(out + "/policy.pt");
  const auto actions = policy.forward({states}).toTensor();
  EXPECT_TRUE(TensorsNear(actions, -states.matmul(gains[0].t()), 1e-14));

  // Python's torch.jit.load reads the same file (Debian's python3-torch, when installed).
  if (run_command("/usr/bin/python3 -c 'import torch'").exit_code != 0) {
    GTEST_SKIP() << "python3-torch is not installed";
  }
  const auto python = run_command(
      "/usr/bin/python3 -c \"import torch; p = torch.jit.load('" + out +
      "/policy.pt'); x = torch.eye(3, dtype=torch.float64); print(' '.join(repr(v) for v in p(x).flatten().tolist()))\"");
  ASSERT_EQ(python.exit_code, 0) << python.err;
  std::istringstream values(python.out);
  const auto expected = -gains[0].t().contiguous().view(-1);  // rows of -I Kᵀ
  for (int64_t i = 0; i < expected.numel(); ++i) {
    double value;
    ASSERT_TRUE(values >> value);
    EXPECT_DOUBLE_EQ(value, expected[i].item<double>());
  }
}

TEST(LqrPg, SameSeedGivesIdenticalSummaryAndAnotherSeedDoesNot) {
  const std::string args = "--config data/configs/cartpole_dr.json --quiet --set steps=60 eval_systems=500 ";
  const std::string a = scratch_dir("seed_a"), b = scratch_dir("seed_b"), c = scratch_dir("seed_c");
  ASSERT_EQ(lqr_pg(args + "--seed 3 --out " + a).exit_code, 0);
  ASSERT_EQ(lqr_pg(args + "--seed 3 --out " + b).exit_code, 0);
  ASSERT_EQ(lqr_pg(args + "--seed 4 --out " + c).exit_code, 0);
  EXPECT_EQ(summary_without_timing(a), summary_without_timing(b));
  EXPECT_EQ(metrics_without_timing(a), metrics_without_timing(b));
  EXPECT_NE(summary_without_timing(a)["final_cost"], summary_without_timing(c)["final_cost"]);
}

// The logged step size follows the warm-up ramp and then the cosine decay to zero.
TEST(LqrPg, StepSizeWarmsUpThenDecaysAlongTheCosine) {
  const std::string out = scratch_dir("schedule");
  ASSERT_EQ(lqr_pg("--config data/configs/cartpole_dr.json --quiet --set steps=400 warmup_steps=100 step_size=0.001 "
                   "step_size_schedule=\"cosine\" log_every=1 eval_systems=200 --out " + out)
                .exit_code,
            0);
  std::map<int64_t, double> step_size;
  std::istringstream lines(read_file(out + "/metrics.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    const auto entry = nlohmann::json::parse(line);
    step_size[entry["step"].get<int64_t>()] = entry["step_size"].get<double>();
  }
  ASSERT_EQ(step_size.size(), 400u);
  const double pi = std::acos(-1.0);
  auto expected = [&](int64_t t) {
    return 0.001 * std::min(1.0, t / 100.0) * 0.5 * (1 + std::cos(pi * (t - 1) / 400.0));
  };
  for (int64_t t : {1, 50, 100, 101, 250, 400}) EXPECT_NEAR(step_size[t], expected(t), 1e-15) << "step " << t;
  EXPECT_LT(step_size[400], 1e-7);
  EXPECT_GT(step_size[100], step_size[50]);
}

TEST(LqrPg, KilledRunResumesToTheSameResult) {
  const std::string args =
      "--config data/configs/cartpole_dr.json --quiet --set steps=3000 checkpoint_every=50 eval_systems=500 ";
  const std::string whole = scratch_dir("uninterrupted"), killed = scratch_dir("killed");
  ASSERT_EQ(lqr_pg(args + "--out " + whole).exit_code, 0);

  ASSERT_TRUE(kill_after_first_checkpoint(executable("lqr_pg") + " " + args + "--out " + killed, killed))
      << "no checkpoint, or the run finished before it could be killed";

  const auto resumed = lqr_pg("--config data/configs/cartpole_dr.json --quiet --set steps=3000 checkpoint_every=50 "
                              "eval_systems=500 --resume --out " + killed);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(summary_without_timing(killed), summary_without_timing(whole));
  EXPECT_EQ(metrics_without_timing(killed), metrics_without_timing(whole));
}

TEST(LqrPg, RunKilledBeforeItsFirstCheckpointResumesFromTheStart) {
  const std::string out = scratch_dir("no_checkpoint");
  ASSERT_EQ(lqr_pg("--config data/configs/lqr_dean.json --quiet --set steps=300 --out " + out).exit_code, 0);
  const auto expected = summary_without_timing(out);
  const auto expected_metrics = metrics_without_timing(out);
  for (const char* file : {"checkpoint.pt", "summary.json", "policy.pt"}) fs::remove(out + "/" + file);
  const auto resumed = lqr_pg("--resume --quiet --out " + out);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(summary_without_timing(out), expected);
  EXPECT_EQ(metrics_without_timing(out), expected_metrics);
}

struct BadInput {
  std::string name;
  std::string arguments;
  std::string message;  // a fragment of the one-line error
};

class RejectsBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(RejectsBadInput, WithOneLineExitCodeTwoAndNoRunDirectory) {
  if (GetParam().name == "CudaWithoutCuda" && torch::cuda::is_available()) GTEST_SKIP() << "CUDA is available here";
  const std::string out = scratch_dir("bad_input");
  const auto run = lqr_pg(GetParam().arguments + " --quiet --out " + out);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find(GetParam().message), std::string::npos) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_FALSE(fs::exists(out));
}

INSTANTIATE_TEST_SUITE_P(
    LqrPg, RejectsBadInput,
    ::testing::Values(
        BadInput{"UnknownKey", "--config data/configs/lqr_dean.json --set stpe_size=0.1", "stpe_size: unknown key"},
        BadInput{"WrongType", "--config data/configs/lqr_dean.json --set step_size=abc",
                 "step_size: expected a number > 0, got \"abc\""},
        BadInput{"SectionOfAnotherInstance", "--config data/configs/lqr_dean.json --set cartpole.dt=0.1", "cartpole: unknown key"},
        BadInput{"NegativeTimeStep", "--config data/configs/cartpole_dr.json --set cartpole.dt=-1", "cartpole.dt: expected a number > 0"},
        BadInput{"IndefiniteCartPoleR", "--config data/configs/cartpole_dr.json --set cartpole.R=[[-1]]",
                 "cartpole.R: expected a symmetric positive definite matrix"},
        BadInput{"DomainModeOnOneSystem", "--config data/configs/lqr_dean.json --set mode=dr", "mode: \"dr\" samples systems from a domain"},
        BadInput{"UnknownInstance", "--config data/configs/lqr_dean.json --set instance=nowhere", "instance: \"nowhere\""},
        BadInput{"MissingConfig", "--config data/configs/no_such_config.json", "cannot open the file"},
        BadInput{"MalformedConfig", "--config tests/e2e/data/malformed_config.json", "not valid JSON"},
        BadInput{"CudaWithoutCuda", "--config data/configs/lqr_dean.json --device cuda", "--device cuda: CUDA is not available"},
        BadInput{"UnstableInitialGain", "--config data/configs/lqr_malik3.json --set init_gain=zero",
                 "init_gain: the initial gain does not stabilise 1 of 1 training systems"},
        BadInput{"GainOfWrongShape", "--config data/configs/lqr_dean.json --set init_gain=[[1,2]]", "init_gain: expected a 3x3 matrix"},
        BadInput{"UnknownFlag", "--config data/configs/lqr_dean.json --bogus", "command line:"},
        BadInput{"NoConfig", "", "--config FILE is required"}),
    [](const ::testing::TestParamInfo<BadInput>& info) { return info.param.name; });

TEST(LqrPg, RefusesToOverwriteARunAndToResumeWhatIsNoRun) {
  const std::string out = scratch_dir("existing");
  fs::create_directories(out);
  std::ofstream(out + "/notes.txt") << "keep me";
  const auto run = lqr_pg("--config data/configs/lqr_dean.json --quiet --out " + out);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("already exists and is not empty"), std::string::npos) << run.err;
  EXPECT_EQ(read_file(out + "/notes.txt"), "keep me");

  const auto resume = lqr_pg("--resume --quiet --out " + scratch_dir("never_ran"));
  EXPECT_EQ(resume.exit_code, 2);
  EXPECT_NE(resume.err.find("no config.json"), std::string::npos) << resume.err;
}

TEST(LqrPg, CorruptCheckpointIsRejectedOnResume) {
  const std::string out = scratch_dir("corrupt_checkpoint");
  ASSERT_EQ(lqr_pg("--config data/configs/lqr_dean.json --quiet --set steps=20 --out " + out).exit_code, 0);
  std::ofstream(out + "/checkpoint.pt", std::ios::trunc) << "not a checkpoint";
  const auto resume = lqr_pg("--resume --quiet --out " + out);
  EXPECT_EQ(resume.exit_code, 2);
  EXPECT_NE(resume.err.find("checkpoint.pt: not a readable checkpoint"), std::string::npos) << resume.err;
  EXPECT_EQ(std::count(resume.err.begin(), resume.err.end(), '\n'), 1) << resume.err;
}

TEST(LqrPg, HelpListsTheSharedOptions) {
  const auto run = lqr_pg("--help");
  EXPECT_EQ(run.exit_code, 0);
  for (const char* option : {"--config", "--set", "--out", "--device", "--seed", "--resume", "--quiet"}) {
    EXPECT_NE(run.out.find(option), std::string::npos) << option;
  }
}

}  // namespace
}  // namespace diffctl::testing
