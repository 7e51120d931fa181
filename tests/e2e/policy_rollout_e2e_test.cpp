// policy_rollout: an exported policy.pt, loaded by torch::jit::load alone, run on a named
// environment, gives the returns the trainers' RolloutPool computes for the same seed.
#include "data/envs/env.h"
#include "modules/mlp_policy.h"
#include "src/seeding.h"
#include "support/command.h"
#include "trainers/framework/rollout_pool.h"

#include <gtest/gtest.h>

namespace diffctl::testing {
namespace {

// An MLP with a non-trivial normaliser (statistics of one rollout merged in), exported.
MlpPolicy exported_policy(const std::string& env, const std::string& path) {
  const auto probe = make_env(env);
  MlpPolicy policy(MlpPolicyOptions(probe->observation_size(), probe->action_size()).hidden_sizes({16, 16}).action_bound(1.0),
                   make_generator(5));
  RolloutPool warmup([env] { return make_env(env); }, RolloutOptions().episodes(4).horizon(50).observation_moments(true));
  policy->normalizer()->merge(warmup.run(*policy, 99).observation_moments);
  policy->to_torchscript().save(path);
  return policy;
}

TEST(PolicyRollout, ReproducesTheRolloutPoolReturnsForTheSameSeed) {
  for (const std::string env : {"pendulum", "swimmer"}) {
    const std::string dir = scratch_dir("policy_rollout_" + env);
    std::filesystem::create_directories(dir);
    const auto policy = exported_policy(env, dir + "/policy.pt");
    const auto run = run_command(executable("policy_rollout") + " --policy " + dir + "/policy.pt --env " + env +
                                 " --episodes 6 --seed 3 --horizon 120");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const auto printed = nlohmann::json::parse(run.out);
    RolloutPool pool([env] { return make_env(env); }, RolloutOptions().episodes(6).horizon(120));
    const auto expected = pool.run(*policy, 3);
    ASSERT_EQ(printed["returns"].size(), 6u);
    for (int64_t n = 0; n < 6; ++n) {
      EXPECT_NEAR(printed["returns"][n].get<double>(), expected.returns[0][n].item<double>(),
                  1e-9 * std::max(1.0, std::abs(expected.returns[0][n].item<double>())))
          << env << " episode " << n;
      EXPECT_EQ(printed["lengths"][n].get<int64_t>(), 120) << env;
    }
  }
}

TEST(PolicyRollout, RejectsBadInputWithOneLine) {
  const std::string dir = scratch_dir("policy_rollout_bad");
  std::filesystem::create_directories(dir);
  exported_policy("pendulum", dir + "/pendulum.pt");
  { std::ofstream(dir + "/corrupt.pt") << "not a module"; }
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--policy " + dir + "/missing.pt --env pendulum", "no such file"},
      {"--policy " + dir + "/corrupt.pt --env pendulum", "not a TorchScript module"},
      {"--policy " + dir + "/pendulum.pt --env mars", "env: expected one of"},
      {"--policy " + dir + "/pendulum.pt --env swimmer", "fails on (10, 8) observations of swimmer"},
  };
  for (const auto& [arguments, message] : cases) {
    const auto run = run_command(executable("policy_rollout") + " " + arguments);
    EXPECT_EQ(run.exit_code, 2) << arguments;
    EXPECT_NE(run.err.find(message), std::string::npos) << arguments << ": " << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << arguments << ": " << run.err;
  }
}

}  // namespace
}  // namespace diffctl::testing
