// The ES loop on the MuJoCo tasks (Swimmer, HalfCheetah, Hopper, Walker2d): environment
// steps per second of es_train's iterations with an ISO-ODEtoODE policy (n = 16, N = 25;
// 32 antithetic pairs = 64 episodes of 200 steps per iteration, one batched policy call per
// time step) against raw MuJoCo stepping of the same number of episodes (a plain C++
// feedback a_j = −0.1 o_j, no LibTorch call), with 1 and 2 threads, measured in the same
// run. Prints the fraction of the raw rate, for the rollouts alone and for whole iterations
// (rollouts, gradient estimate, Riemannian update, normaliser merge), and the share of
// iteration time spent outside the rollouts. Asserts no timing.
//   bench_es_loop [--quick]     (--quick: fewer iterations)
#include "data/envs/env.h"
#include "in_memory_es.h"
#include "src/parallel/parallel_for.h"
#include "src/random/counter_random.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

using namespace diffctl;
constexpr int64_t kDirections = 32;
constexpr int64_t kHorizon = 200;

// The raw loop: each thread steps its share of 2k episodes to their end.
double raw_steps_per_second(const std::string& env_name, int64_t threads, int repetitions) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<int64_t> counted(threads, 0);
  for (int repetition = 0; repetition < repetitions; ++repetition) {
    parallel_for(threads, threads, [&](int64_t part, int64_t) {
      const auto env = make_env(env_name);
      std::vector<double> observation(env->observation_size()), action(env->action_size());
      for (int64_t episode = part; episode < 2 * kDirections; episode += threads) {
        env->reset(derive_seed(repetition, episode), observation.data());
        for (int64_t t = 0; t < kHorizon; ++t) {
          for (size_t j = 0; j < action.size(); ++j) action[j] = -0.1 * observation[j % observation.size()];
          ++counted[part];
          if (env->step(action.data(), observation.data()).done) break;
        }
      }
    });
  }
  int64_t steps = 0;
  for (const int64_t count : counted) steps += count;
  return static_cast<double>(steps) / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

nlohmann::json es_summary(const std::string& env_name, int64_t threads, int iterations) {
  return bench::train_es_in_memory({{"env", env_name},
                                    {"policy", "iso_ode_to_ode"},
                                    {"directions", kDirections},
                                    {"horizon", kHorizon},
                                    {"threads", threads},
                                    {"steps", iterations},
                                    {"eval_every", 0},
                                    {"eval_episodes", 1}});
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int iterations = quick ? 2 : 10;
  set_compute_threads(1);
  std::printf("ISO-ODEtoODE n=16 N=25, %lld antithetic pairs x %lld steps per iteration, %d iterations\n",
              static_cast<long long>(kDirections), static_cast<long long>(kHorizon), iterations);
  std::printf("%-13s %7s %13s %15s %9s %17s %9s %16s\n", "task", "threads", "raw steps/s", "rollout steps/s",
              "of raw", "iteration steps/s", "of raw", "outside rollouts");
  for (const char* env_name : {"swimmer", "half_cheetah", "hopper", "walker2d"}) {
    for (int64_t threads : {1, 2}) {
      const double raw = raw_steps_per_second(env_name, threads, iterations);
      const nlohmann::json summary = es_summary(env_name, threads, iterations);
      const double rollout = summary["env_steps_per_s"].get<double>();
      const double iteration = summary["iteration_env_steps_per_s"].get<double>();
      std::printf("%-13s %7lld %13.0f %15.0f %9.3f %17.0f %9.3f %16.3f\n", env_name, static_cast<long long>(threads),
                  raw, rollout, rollout / raw, iteration, iteration / raw,
                  summary["share_outside_rollouts"].get<double>());
    }
  }
  return 0;
}
