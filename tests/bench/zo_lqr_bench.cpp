// Evaluations of F per second for zo_lqr's oracle on the 3×3 and random 8×8 instances,
// exact (x₀ᵀP_Kx₀, one Lyapunov solve) and rollout (200 steps) objectives, through the
// two-point estimator with 64 directions on 1 and 2 threads; the 2-thread rate is printed
// as a speed-up over 1 thread measured in the same run. Asserts no timing; exits non-zero
// only if the two thread counts give different estimates.
//   bench_zo_lqr [--quick]
#include "data/lqr/lqr_instance.h"
#include "src/linalg/eigen_conversion.h"
#include "src/lqr/lqr_oracle.h"
#include "src/zeroth_order/gradient_estimator.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  using namespace diffctl;
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int estimates = quick ? 5 : 100;
  bool identical = true;
  std::printf("%-8s %-8s %16s %16s %10s\n", "instance", "F", "evals/s 1 thr", "evals/s 2 thr", "speed-up");
  for (const std::string name : {"malik3", "random8"}) {
    const LqrInstance instance = load_lqr_instance(name);
    const LqrOracle oracle(to_eigen(instance.system.A[0]), to_eigen(instance.system.B[0]), to_eigen(instance.system.Q[0]),
                           to_eigen(instance.system.R[0]), to_eigen(instance.system.Sigma[0]),
                           to_eigen(instance.initial_states));
    const torch::Tensor theta = to_tensor(oracle.optimal_gain()).reshape({-1});
    GradientEstimatorOptions options;
    options.directions = 64;
    options.radius = 0.01;
    const GradientEstimator estimator(options);
    for (const auto objective : {LqrOracleObjective::exact, LqrOracleObjective::rollout}) {
      double rate[2];
      torch::Tensor last[2];
      for (int threads = 1; threads <= 2; ++threads) {
        const auto F = evaluate_in_parallel(
            [&](const torch::Tensor& x, uint64_t seed) {
              return oracle.sample(to_eigen(x.reshape({oracle.input_dim(), oracle.state_dim()})), seed, objective, 200);
            },
            threads);
        int64_t evaluations = 0;
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < estimates; ++i) {
          const auto estimate = estimator.estimate(F, theta, i);
          evaluations += estimate.evaluations;
          last[threads - 1] = estimate.gradient;
        }
        rate[threads - 1] = evaluations / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      }
      identical = identical && torch::equal(last[0], last[1]);
      std::printf("%-8s %-8s %16.0f %16.0f %10.2f\n", name.c_str(),
                  objective == LqrOracleObjective::exact ? "exact" : "rollout", rate[0], rate[1], rate[1] / rate[0]);
    }
  }
  std::printf("estimates with 1 and 2 threads: %s\n", identical ? "identical" : "DIFFERENT");
  return identical ? 0 : 1;
}
