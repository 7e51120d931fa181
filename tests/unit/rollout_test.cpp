#include "data/envs/cartpole_balance.h"
#include "data/envs/pendulum.h"
#include "modules/linear_policy.h"
#include "modules/mlp_policy.h"
#include "src/error.h"
#include "src/random/counter_random.h"
#include "src/seeding.h"
#include "support/contract_error.h"
#include "support/tensor_matchers.h"
#include "trainers/framework/rollout_pool.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace diffctl {
namespace {

using testing::TensorsNear;

MlpPolicy pendulum_policy() {
  return MlpPolicy(MlpPolicyOptions(3, 1).hidden_sizes({16, 16}).action_bound(2.0), make_generator(11));
}

struct Reference {
  std::vector<double> returns;
  std::vector<int64_t> lengths;
  RunningMoments moments;
};

// One episode at a time through one environment, one policy call per observation.
Reference sequential_rollouts(PolicyImpl& policy, const EnvFactory& make, int64_t episodes, uint64_t seed) {
  torch::NoGradGuard no_grad;
  auto env = make();
  Reference reference{{}, {}, RunningMoments(env->observation_size())};
  std::vector<double> observation(env->observation_size());
  for (int64_t episode = 0; episode < episodes; ++episode) {
    env->reset(derive_seed(seed, episode), observation.data());
    reference.moments.add(observation.data());
    double total = 0.0;
    int64_t length = 0;
    for (; length < env->episode_length();) {
      const auto action = policy.forward(torch::tensor(observation, torch::kFloat64)).contiguous();
      const StepResult step = env->step(action.data_ptr<double>(), observation.data());
      total += step.reward;
      ++length;
      reference.moments.add(observation.data());
      if (step.done) break;
    }
    reference.returns.push_back(total);
    reference.lengths.push_back(length);
  }
  return reference;
}

TEST(RolloutPool, PendulumReturnsAreIdenticalForAnyThreadCountAndMatchASequentialLoop) {
  auto policy = pendulum_policy();
  const EnvFactory pendulum = [] { return std::make_unique<Pendulum>(); };
  const auto options = RolloutOptions().episodes(64).block_episodes(16).observation_moments(true);
  RolloutPool one(pendulum, RolloutOptions(options).threads(1));
  RolloutPool two(pendulum, RolloutOptions(options).threads(2));
  RolloutPool three(pendulum, RolloutOptions(options).threads(3));
  const auto first = one.run(*policy, 5);
  EXPECT_TRUE(torch::equal(first.returns, two.run(*policy, 5).returns));
  EXPECT_TRUE(torch::equal(first.returns, three.run(*policy, 5).returns));
  EXPECT_EQ(first.env_steps, 64 * 200);
  EXPECT_FALSE(torch::equal(first.returns, one.run(*policy, 6).returns));

  const auto reference = sequential_rollouts(*policy, pendulum, 64, 5);
  EXPECT_TRUE(TensorsNear(first.returns[0], torch::tensor(reference.returns, torch::kFloat64), 1e-8));
  EXPECT_EQ(first.observation_moments.count(), reference.moments.count());
  EXPECT_TRUE(TensorsNear(torch::tensor(first.observation_moments.mean(), torch::kFloat64),
                          torch::tensor(reference.moments.mean(), torch::kFloat64), 1e-10));
  EXPECT_TRUE(TensorsNear(torch::tensor(first.observation_moments.variance(), torch::kFloat64),
                          torch::tensor(reference.moments.variance(), torch::kFloat64), 1e-10));
}

// K parameter copies in one run equal K runs of policies loaded with each copy, on the
// same episodes, whatever the blocks and threads.
TEST(RolloutPool, ParameterCopiesEqualSeparateRunsOnCommonEpisodes) {
  auto policy = pendulum_policy();
  const EnvFactory pendulum = [] { return std::make_unique<Pendulum>(); };
  const int64_t copies = 5;
  const auto flat = policy->flat_parameters().unsqueeze(0) + 0.3 * torch::randn({copies, policy->parameter_count()}, torch::kFloat64);
  for (const int64_t block : {1, 3, 8}) {
    RolloutPool pool(pendulum, RolloutOptions().episodes(3).block_episodes(block).threads(2));
    const auto batched = pool.run(*policy, policy->unflatten(flat), 9);
    ASSERT_EQ(batched.returns.sizes(), torch::IntArrayRef({copies, 3}));
    for (int64_t k = 0; k < copies; ++k) {
      auto copy = pendulum_policy();
      copy->set_flat_parameters(flat[k]);
      const auto alone = pool.run(*copy, 9);
      EXPECT_TRUE(TensorsNear(batched.returns[k], alone.returns[0], 1e-8)) << "block " << block << " copy " << k;
    }
  }
}

TEST(RolloutPool, EpisodesEndAtTerminalStatesAndStepsAreCounted) {
  LinearPolicy idle(LinearPolicyOptions(4, 1));  // zero gain: no force, the pole falls
  const EnvFactory cartpole = [] { return std::make_unique<CartPoleBalance>(); };
  RolloutPool pool(cartpole, RolloutOptions().episodes(10).threads(2).block_episodes(4));
  const auto result = pool.run(*idle, 1);
  const auto reference = sequential_rollouts(*idle, cartpole, 10, 1);
  EXPECT_TRUE(torch::equal(result.lengths[0], torch::tensor(reference.lengths, torch::kInt64)));
  EXPECT_LT(result.lengths.max().item<int64_t>(), 500);
  EXPECT_EQ(result.env_steps, result.lengths.sum().item<int64_t>());
  // Reward 1 per step.
  EXPECT_TRUE(torch::equal(result.returns, result.lengths.to(torch::kFloat64)));
}

TEST(RolloutPool, ADivergedEpisodeHasANaNReturnAndStops) {
  auto policy = pendulum_policy();
  const EnvFactory pendulum = [] { return std::make_unique<Pendulum>(); };
  RolloutPool pool(pendulum, RolloutOptions().episodes(4));
  auto flat = policy->flat_parameters().unsqueeze(0).repeat({2, 1});
  flat[1].fill_(std::nan(""));
  const auto result = pool.run(*policy, policy->unflatten(flat), 3);
  EXPECT_TRUE(torch::isfinite(result.returns[0]).all().item<bool>());
  EXPECT_TRUE(torch::isnan(result.returns[1]).all().item<bool>());
  EXPECT_TRUE((result.lengths[1] == 1).all().item<bool>());
}

TEST(RolloutPool, RejectsAPolicyOfTheWrongShapeAndBadOptions) {
  const EnvFactory pendulum = [] { return std::make_unique<Pendulum>(); };
  RolloutPool pool(pendulum, RolloutOptions().episodes(2));
  LinearPolicy wrong(LinearPolicyOptions(4, 1));
  // Callers validate their configs first: what reaches the pool is a programmer's mistake.
  EXPECT_TRUE(testing::throws_contract_error([&] { pool.run(*wrong, 0); }));
  EXPECT_TRUE(testing::throws_contract_error([&] { RolloutPool(pendulum, RolloutOptions().episodes(0)); }));
  EXPECT_TRUE(testing::throws_contract_error([&] { RolloutPool(pendulum, RolloutOptions().threads(0)); }));
}

}  // namespace
}  // namespace diffctl
