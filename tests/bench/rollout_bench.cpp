// Rollout throughput on Pendulum (64 episodes of 200 steps): environment steps per second
// with an MlpPolicy in the loop (RolloutPool: lockstep blocks, one batched policy call per
// time step) against the raw environment loop (the same episodes stepped with a plain C++
// feedback u = −θ̇, no LibTorch call), each with 1 and 2 threads, measured in the same run
// and printed as the fraction of the raw rate. Asserts no timing; exits non-zero only if
// the 1- and 2-thread returns differ.
//   bench_rollout [--quick]     (--quick: fewer repetitions)
#include "data/envs/pendulum.h"
#include "modules/linear_policy.h"
#include "modules/mlp_policy.h"
#include "src/parallel/parallel_for.h"
#include "src/random/counter_random.h"
#include "src/seeding.h"
#include "trainers/rollout/rollout_pool.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstring>

namespace {

using namespace diffctl;
constexpr int64_t kEpisodes = 64;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The raw loop: each thread steps its share of the episodes to the end.
double raw_steps_per_second(int64_t threads, int repetitions) {
  const auto start = std::chrono::steady_clock::now();
  int64_t steps = 0;
  for (int repetition = 0; repetition < repetitions; ++repetition) {
    std::vector<int64_t> counted(threads, 0);
    parallel_for(threads, threads, [&](int64_t part, int64_t) {
      Pendulum env;
      double observation[3];
      for (int64_t episode = part; episode < kEpisodes; episode += threads) {
        env.reset(derive_seed(repetition, episode), observation);
        for (int64_t t = 0; t < env.episode_length(); ++t) {
          const double action = -observation[2];
          env.step(&action, observation);
          ++counted[part];
        }
      }
    });
    for (const int64_t count : counted) steps += count;
  }
  return static_cast<double>(steps) / seconds_since(start);
}

struct PolicyRate {
  double steps_per_second;
  torch::Tensor returns;
};

PolicyRate policy_steps_per_second(const PolicyImpl& policy, int64_t threads, int repetitions) {
  RolloutPool pool([] { return std::make_unique<Pendulum>(); },
                   RolloutOptions().episodes(kEpisodes).threads(threads).block_episodes(kEpisodes / 2));
  pool.run(policy, 0);  // warm-up: environments created, allocator warm
  const auto start = std::chrono::steady_clock::now();
  int64_t steps = 0;
  torch::Tensor returns;
  for (int repetition = 0; repetition < repetitions; ++repetition) {
    const auto result = pool.run(policy, static_cast<uint64_t>(repetition));
    steps += result.env_steps;
    returns = result.returns;
  }
  return {static_cast<double>(steps) / seconds_since(start), returns};
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int repetitions = quick ? 3 : 30;
  use_one_compute_thread_per_worker();
  std::printf("Pendulum, %lld episodes x 200 steps, blocks of %lld episodes, %d repetitions\n",
              static_cast<long long>(kEpisodes), static_cast<long long>(kEpisodes / 2), repetitions);
  const double raw[2] = {raw_steps_per_second(1, repetitions * 20), raw_steps_per_second(2, repetitions * 20)};
  std::printf("%-28s %8s %16s %12s\n", "loop", "threads", "env steps/s", "of raw");
  for (int t = 0; t < 2; ++t) std::printf("%-28s %8d %16.0f %12.3f\n", "raw env (u = -thetadot)", t + 1, raw[t], 1.0);

  bool identical = true;
  struct Case {
    const char* name;
    std::shared_ptr<PolicyImpl> policy;
  };
  const Case cases[] = {
      {"LinearPolicy", LinearPolicy(LinearPolicyOptions(3, 1)).ptr()},
      {"MlpPolicy [16, 16] tanh", MlpPolicy(MlpPolicyOptions(3, 1).hidden_sizes({16, 16}).action_bound(2.0), make_generator(1)).ptr()},
      {"MlpPolicy [64, 64] tanh", MlpPolicy(MlpPolicyOptions(3, 1).hidden_sizes({64, 64}).action_bound(2.0), make_generator(1)).ptr()},
  };
  for (const auto& [name, policy] : cases) {
    const PolicyRate one = policy_steps_per_second(*policy, 1, repetitions);
    const PolicyRate two = policy_steps_per_second(*policy, 2, repetitions);
    identical = identical && torch::equal(one.returns, two.returns);
    std::printf("%-28s %8d %16.0f %12.3f\n", name, 1, one.steps_per_second, one.steps_per_second / raw[0]);
    std::printf("%-28s %8d %16.0f %12.3f\n", name, 2, two.steps_per_second, two.steps_per_second / raw[1]);
  }
  std::printf("returns with 1 and 2 threads: %s\n", identical ? "identical" : "DIFFERENT");
  return identical ? 0 : 1;
}
