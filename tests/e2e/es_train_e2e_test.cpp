// es_train: evolution strategies with Riemannian updates on a Policy in an environment (es_compare:
// es_compare_e2e_test.cpp).
#include "modules/iso_ode_to_ode_policy.h"
#include "support/command.h"

#include <gtest/gtest.h>
#include <torch/script.h>

#include <cmath>

namespace diffctl::testing {
namespace {

// policy_rollout's mean return for the run's exported policy on the summary's evaluation
// episodes.
double rolled_out_mean_return(const std::string& run_dir, const std::string& env, int episodes) {
  const auto summary = read_json(run_dir + "/summary.json");
  const auto rollout = run_command(executable("policy_rollout") + " --policy " + run_dir + "/policy.pt --env " + env +
                                   " --episodes " + std::to_string(episodes) + " --seed " +
                                   std::to_string(summary["evaluation_seed"].get<uint64_t>()));
  EXPECT_EQ(rollout.exit_code, 0) << rollout.err;
  return rollout.exit_code == 0 ? nlohmann::json::parse(rollout.out)["mean_return"].get<double>() : NAN;
}

const std::string kCartPole =
    " --quiet --set env=\"cartpole_balance\" directions=16 sigma=0.1 step_size=0.2 eval_episodes=8 threads=2 ";

// A linear policy learns to keep the cart-pole up: from a zero gain (the pole falls within a
// few dozen steps) to at least 150 steps on average within 30 iterations; and policy_rollout reproduces the evaluation return of
// the exported best policy from the summary's evaluation seed.
TEST(EsTrain, LearnsToBalanceAndPolicyRolloutReproducesTheEvaluation) {
  const std::string out = scratch_dir("es_cartpole"), config = scratch_dir("es_cartpole_config") + ".json";
  { std::ofstream(config) << R"({"env": "cartpole_balance", "policy": "linear", "steps": 30, "eval_every": 1, "seed": 0})"; }
  const auto run = run_command(executable("es_train") + " --config " + config + kCartPole + "--out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto s = read_json(out + "/summary.json");
  std::istringstream lines(read_file(out + "/metrics.jsonl"));
  std::string first;
  std::getline(lines, first);
  const double first_return = nlohmann::json::parse(first)["eval_return"];
  EXPECT_LT(first_return, 30.0);
  EXPECT_GE(s["best_return"].get<double>(), 150.0);
  EXPECT_GT(s["env_steps"].get<int64_t>(), 0);
  EXPECT_NEAR(rolled_out_mean_return(out, "cartpole_balance", 8), s["best_return"].get<double>(), 1e-9);
}

// The ISO-ODEtoODE policy's orthogonal and Stiefel parameters stay on their manifolds
// through ES updates (exponential retraction), and a killed run resumes to the same result,
// its decaying step size continuing where the checkpoint left it.
TEST(EsTrain, IsoOdeToOdeStaysOnItsManifoldsAndResumes) {
  const std::string args = " --config data/configs/es_swimmer_iso_odetoode.json" + kCartPole +
                           "policy=\"iso_ode_to_ode\" steps=6 eval_every=2 checkpoint_every=2 horizon=100 "
                           "step_decay_iterations=3 --out ";
  const std::string whole = scratch_dir("es_whole"), killed = scratch_dir("es_killed");
  ASSERT_EQ(run_command(executable("es_train") + args + whole).exit_code, 0);
  ASSERT_TRUE(kill_after_first_checkpoint(executable("es_train") + args + killed, killed, killed));
  const auto resumed = run_command(executable("es_train") + " --quiet --resume --out " + killed);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  auto without_rate = [](nlohmann::json summary) {
    for (const char* timing :
         {"env_steps_per_s", "iteration_env_steps_per_s", "share_outside_rollouts", "distribution"}) {
      summary.erase(timing);
    }
    return summary;
  };
  EXPECT_EQ(without_rate(summary_without_timing(killed)), without_rate(summary_without_timing(whole)));
  const auto metrics = metrics_without_timing(killed);
  ASSERT_FALSE(metrics.empty());
  const auto& final_iteration = metrics.back();
  ASSERT_EQ(final_iteration["step"].get<int64_t>(), 6);
  EXPECT_DOUBLE_EQ(final_iteration["step_size"].get<double>(), 0.2 / std::sqrt(1.0 + 5.0 / 3.0));

  torch::jit::Module policy = torch::jit::load(whole + "/policy.pt");
  for (const char* name : {"omega_in", "output_frame", "flow_start"}) {
    const auto W = policy.attr(name).toTensor();
    EXPECT_LE((W.t().matmul(W) - torch::eye(W.size(1), torch::kFloat64)).abs().max().item<double>(), 1e-10) << name;
  }
  const auto flow = policy.attr("flow").toTensor();
  EXPECT_LE((flow.transpose(-1, -2).matmul(flow) - torch::eye(flow.size(-1), torch::kFloat64)).abs().max().item<double>(),
            1e-10);
}

TEST(EsTrain, RejectsMoreTopDirectionsThanDirections) {
  const std::string out = scratch_dir("es_bad");
  const auto run = run_command(executable("es_train") + " --config data/configs/es_swimmer_iso_odetoode.json --quiet "
                               "--set directions=4 top_directions=8 --out " + out);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("top_directions: expected at most directions (4)"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

// ISO-ODEtoODE learns to swim with the shipped config, by what holds for every seed measured
// (0–5, README): the first iteration's population (near the initial policy) returns −26 to
// −1, and within 150 iterations the best evaluation reaches 88 to 338. The full run's 325
// takes 80 to 340 iterations, too long for the suite, so it is not asserted here.
TEST(EsTrain, SwimmerConfigLearnsToSwim) {
  const std::string out = scratch_dir("es_swimmer");
  const auto run = run_command(executable("es_train") + " --quiet --config data/configs/es_swimmer_iso_odetoode.json "
                               "--set steps=150 eval_every=10 checkpoint_every=0 --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::istringstream lines(read_file(out + "/metrics.jsonl"));
  std::string first_line;
  std::getline(lines, first_line);
  const auto first = nlohmann::json::parse(first_line);
  ASSERT_EQ(first["step"].get<int64_t>(), 1);
  EXPECT_LT(first["train_return"].get<double>(), 40.0);
  const auto summary = read_json(out + "/summary.json");
  const double best = summary["best_return"].get<double>();
  EXPECT_GE(best, 60.0);
  // The deployed policy reproduces it. The trainer evaluates with the ODEtoODE inference
  // kernel, the export with LibTorch ops; their 1e-16 differences grow over 1000 chaotic
  // steps (a return 110.84 rolled out as 110.84 plainly and 110.90 with Haswell kernels),
  // while an export that lost its normaliser or a parameter misses by tens.
  EXPECT_NEAR(rolled_out_mean_return(out, "swimmer", 10), best, 1e-2 * best);
}

}  // namespace
}  // namespace diffctl::testing
