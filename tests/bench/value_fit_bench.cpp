// Time of one value_fit training run (300 SGD steps, forward by Newton/LU, no variance
// measurement) per domain: explicit θ against the implicit Markov reward chain, and the
// implicit chain's direct (LU) backward against restarted GMRES, measured in the same run
// and printed as ratios. Exits non-zero only if the direct and GMRES runs disagree.
//   bench_value_fit [--quick]     (--quick: chain and four rooms, 50 steps)
#include "src/config/config_reader.h"
#include "trainers/framework/run_sink.h"
#include "trainers/value/value_fit_trainer.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

struct Timed {
  double seconds;
  double final_residual;
};

// The sweep's best rates at η = 0.95 (value_sweep.json's grids): every run converges.
double step_size(const std::string& domain, const std::string& parameterization) {
  if (domain == "chain") return parameterization == "explicit" ? 0.5 : 0.015625;
  return parameterization == "explicit" ? 16.0 : 0.25;
}

Timed time_run(const std::string& domain, const std::string& parameterization, const std::string& backward,
               int64_t steps) {
  nlohmann::json config{{"domain", domain},     {"parameterization", parameterization},
                        {"backward", backward}, {"forward", "direct"},
                        {"steps", steps},       {"eval_every", 0},
                        {"measure_variance", false}, {"step_size", step_size(domain, parameterization)}};
  diffctl::ConfigReader reader(config);
  diffctl::ValueFitTrainer trainer(reader, torch::kCPU);
  reader.finish();
  trainer.prepare();
  diffctl::MemorySink sink;
  const auto start = std::chrono::steady_clock::now();
  const auto summary = trainer.run(sink, false, true);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto& residual = summary["final_residual_norm"];
  return {seconds, residual.is_number() ? residual.get<double>() : std::nan("")};
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int64_t steps = quick ? 50 : 300;
  std::printf("value_fit, %ld steps, %d threads: seconds per run\n", static_cast<long>(steps), torch::get_num_threads());
  std::printf("%-13s %10s %12s %12s %10s %10s\n", "domain", "explicit", "impl direct", "impl gmres",
              "impl/expl", "gmres/dir");
  bool agree = true;
  std::vector<std::string> domains{"chain", "four_rooms"};
  if (!quick) domains.push_back("mountain_car");
  for (const auto& domain : domains) {
    const Timed explicit_run = time_run(domain, "explicit", "direct", steps);
    const Timed direct = time_run(domain, "implicit", "direct", steps);
    const Timed gmres = time_run(domain, "implicit", "gmres", steps);
    // A diverged run (NaN residual) counts as a disagreement: it would time nothing useful.
    agree = agree && std::abs(direct.final_residual - gmres.final_residual) <= 1e-6 * (1.0 + direct.final_residual);
    std::printf("%-13s %9.3fs %11.3fs %11.3fs %10.2f %10.2f\n", domain.c_str(), explicit_run.seconds, direct.seconds,
                gmres.seconds, direct.seconds / explicit_run.seconds, gmres.seconds / direct.seconds);
  }
  if (!agree) std::printf("DISAGREEMENT: direct and GMRES backward diverged or trained to different residuals\n");
  return agree ? 0 : 1;
}
