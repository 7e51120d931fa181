// ES across MPI ranks: the iteration time of es_train's loop (ISO-ODEtoODE n = 16, 32
// antithetic pairs x 200 steps) on Swimmer, HalfCheetah and Hopper for 1 rank x 1 thread,
// 1 rank x 2 threads, 2 ranks x 1 thread and 4 ranks x 1 thread (oversubscribed on a 2-core
// machine), measured in the same run. Prints each case's parallel efficiency against 1 x 1
// (T₁ / (p · T_p), p = ranks x threads, capped by the machine's cores), the bytes every rank
// receives per iteration, the share of iteration time in the exchange itself and the share
// the ranks spend idle waiting for the slowest rank's rollouts (Hopper's episodes end at
// different steps). Asserts no timing.
//   bench_es_mpi [--quick]          the table (launches itself under mpirun)
//   bench_es_mpi --case ENV THREADS ITERATIONS   one case, on the ranks it was started on
#include "in_memory_es.h"
#include "src/parallel/communicator.h"
#include "src/parallel/parallel_for.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

namespace {

using namespace diffctl;

int run_case(const std::string& env, int64_t threads, int64_t iterations) {
  set_compute_threads(1);
  const nlohmann::json summary = bench::train_es_in_memory({{"env", env},
                                                             {"policy", "iso_ode_to_ode"},
                                                             {"policy_options", {{"hidden_size", 16}}},
                                                             {"directions", 32},
                                                             {"horizon", 200},
                                                             {"threads", threads},
                                                             {"steps", iterations},
                                                             {"eval_every", 0},
                                                             {"eval_episodes", 1}});
  if (!world().is_root()) return 0;
  const double steps_per_iteration = summary["env_steps"].get<double>() / summary["iterations"].get<double>();
  nlohmann::json figures = summary["distribution"];
  figures["iteration_s"] = steps_per_iteration / summary["iteration_env_steps_per_s"].get<double>();
  std::printf("%s\n", figures.dump().c_str());
  return 0;
}

nlohmann::json launch(const std::string& self, int ranks, int threads, const std::string& env, int iterations) {
  const std::string arguments = " --case " + env + " " + std::to_string(threads) + " " + std::to_string(iterations);
  const std::string command =
      ranks == 1 ? self + arguments
                 : "mpirun --allow-run-as-root --oversubscribe --bind-to none -np " + std::to_string(ranks) + " " +
                       self + arguments;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  std::string output;
  char buffer[4096];
  while (pipe && std::fgets(buffer, sizeof buffer, pipe.get())) output += buffer;
  return nlohmann::json::parse(output);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::strcmp(argv[1], "--case") == 0) return run_case(argv[2], std::stoll(argv[3]), std::stoll(argv[4]));
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int iterations = quick ? 2 : 8;
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  std::printf("ES iteration, ISO-ODEtoODE n=16, 32 antithetic pairs x 200 steps, %d iterations, %d cores\n", iterations,
              cores);
  std::printf("%-13s %-22s %12s %11s %16s %14s %10s\n", "task", "case", "iteration s", "efficiency", "bytes/iteration",
              "communication", "idle");
  struct Case {
    int ranks, threads;
  };
  for (const char* env : {"swimmer", "half_cheetah", "hopper"}) {
    double single = 0.0;
    for (const Case c : {Case{1, 1}, Case{1, 2}, Case{2, 1}, Case{4, 1}}) {
      const nlohmann::json figures = launch(argv[0], c.ranks, c.threads, env, iterations);
      const double seconds = figures["iteration_s"].get<double>();
      if (c.ranks == 1 && c.threads == 1) single = seconds;
      const int workers = std::min(c.ranks * c.threads, cores);
      const std::string name = std::to_string(c.ranks) + " rank x " + std::to_string(c.threads) + " thread" +
                               (c.ranks * c.threads > cores ? " (over)" : "");
      std::printf("%-13s %-22s %12.3f %11.3f %16.0f %14.3f %10.3f\n", env, name.c_str(), seconds,
                  single / (workers * seconds), figures["gathered_bytes_per_iteration"].get<double>(),
                  figures["communication_share"].get<double>(), figures["idle_share"].get<double>());
    }
  }
  return 0;
}
