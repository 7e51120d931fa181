// Rollout throughput on Pendulum and on MuJoCo's Swimmer (64 episodes of 200 steps):
// environment steps per second with a policy in the loop (RolloutPool: lockstep blocks, one
// batched policy call per time step) against the raw environment loop (the same episodes
// stepped with a plain C++ feedback a_j = −0.1 o_j, no LibTorch call), each with 1 and 2
// threads, measured in the same run and printed as the fraction of the raw rate. Asserts
// no timing; exits non-zero only if the 1- and 2-thread returns differ.
//   bench_rollout [--quick]     (--quick: fewer repetitions)
#include "data/envs/env.h"
#include "modules/iso_ode_to_ode_policy.h"
#include "modules/linear_policy.h"
#include "modules/mlp_policy.h"
#include "src/parallel/parallel_for.h"
#include "src/random/counter_random.h"
#include "src/seeding.h"
#include "trainers/framework/rollout_pool.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <tuple>

namespace {

using namespace diffctl;
constexpr int64_t kEpisodes = 64;
constexpr int64_t kHorizon = 200;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The raw loop: each thread steps its share of the episodes to the end.
double raw_steps_per_second(const std::string& env_name, int64_t threads, int repetitions) {
  const auto start = std::chrono::steady_clock::now();
  int64_t steps = 0;
  for (int repetition = 0; repetition < repetitions; ++repetition) {
    std::vector<int64_t> counted(threads, 0);
    parallel_for(threads, threads, [&](int64_t part, int64_t) {
      const auto env = make_env(env_name);
      std::vector<double> observation(env->observation_size()), action(env->action_size());
      for (int64_t episode = part; episode < kEpisodes; episode += threads) {
        env->reset(derive_seed(repetition, episode), observation.data());
        for (int64_t t = 0; t < kHorizon; ++t) {
          for (size_t j = 0; j < action.size(); ++j) action[j] = -0.1 * observation[j % observation.size()];
          env->step(action.data(), observation.data());
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

PolicyRate policy_steps_per_second(const std::string& env_name, const PolicyImpl& policy, int64_t threads,
                                   int repetitions) {
  RolloutPool pool([env_name] { return make_env(env_name); },
                   RolloutOptions().episodes(kEpisodes).threads(threads).block_episodes(kEpisodes / 2).horizon(kHorizon));
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
  set_compute_threads(1);
  bool identical = true;
  // The raw Pendulum step is ~30 ns, so its raw loop runs 20 times as long to be timed.
  for (const auto& [env_name, raw_factor, repetitions] :
       {std::tuple<std::string, int, int>{"pendulum", 20, quick ? 3 : 30}, {"swimmer", 1, quick ? 1 : 5}}) {
    const auto probe = make_env(env_name);
    const int64_t obs = probe->observation_size(), act = probe->action_size();
    std::printf("\n%s, %lld episodes x %lld steps, blocks of %lld episodes, %d repetitions\n", env_name.c_str(),
                static_cast<long long>(kEpisodes), static_cast<long long>(kHorizon),
                static_cast<long long>(kEpisodes / 2), repetitions);
    const double raw[2] = {raw_steps_per_second(env_name, 1, repetitions * raw_factor),
                           raw_steps_per_second(env_name, 2, repetitions * raw_factor)};
    std::printf("%-28s %8s %16s %12s\n", "loop", "threads", "env steps/s", "of raw");
    for (int t = 0; t < 2; ++t) std::printf("%-28s %8d %16.0f %12.3f\n", "raw env (a = -0.1 o)", t + 1, raw[t], 1.0);
    struct Case {
      const char* name;
      std::shared_ptr<PolicyImpl> policy;
    };
    const Case cases[] = {
        {"LinearPolicy", LinearPolicy(LinearPolicyOptions(obs, act)).ptr()},
        {"MlpPolicy [16, 16] tanh",
         MlpPolicy(MlpPolicyOptions(obs, act).hidden_sizes({16, 16}).action_bound(1.0), make_generator(1)).ptr()},
        {"MlpPolicy [64, 64] tanh",
         MlpPolicy(MlpPolicyOptions(obs, act).hidden_sizes({64, 64}).action_bound(1.0), make_generator(1)).ptr()},
        {"IsoOdeToOdePolicy n=16 N=25",
         IsoOdeToOdePolicy(IsoOdeToOdePolicyOptions(obs, act).hidden_size(16), make_generator(1)).ptr()},
    };
    for (const auto& [name, policy] : cases) {
      const PolicyRate one = policy_steps_per_second(env_name, *policy, 1, repetitions);
      const PolicyRate two = policy_steps_per_second(env_name, *policy, 2, repetitions);
      identical = identical && torch::equal(one.returns, two.returns);
      std::printf("%-28s %8d %16.0f %12.3f\n", name, 1, one.steps_per_second, one.steps_per_second / raw[0]);
      std::printf("%-28s %8d %16.0f %12.3f\n", name, 2, two.steps_per_second, two.steps_per_second / raw[1]);
    }
  }
  std::printf("returns with 1 and 2 threads: %s\n", identical ? "identical" : "DIFFERENT");
  return identical ? 0 : 1;
}
