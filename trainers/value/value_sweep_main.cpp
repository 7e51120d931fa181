// The sweep of implicit-value-estimators.md (Figures 2 and 3): value_fit over domains ×
// {explicit, implicit} × η × reward offsets × step sizes × seeds, run in parallel on all
// cores. The explicit parameterization does not depend on η and runs once per (domain,
// offset, rate, seed). Then the variance study (Theorem 5, Corollaries 2–3): at figure2_eta
// and each parameterization's best rate, runs that measure the SGD update's
// variance/mean-square ratio throughout training, on the data as collected and with every
// state once.
//   runs.csv      one row per sweep run (initial residual and its 1 component, final
//                 residual and its split, diverged)
//   figure2.csv   domain, parameterization, reward_offset: mean ± sd of the final residual at
//                 the best step size (lowest mean over all offsets and seeds; η =
//                 figure2_eta for implicit)
//   figure3.csv   implicit: domain, eta, reward_offset: mean ± sd at the best rate for that η
//   variance.csv  one row per study run: n/k and the ratio (without replacement) over
//                 training, computed exactly and measured from sampled minibatches
//   summary.json  per domain, how much the final residual grows from the offset with the
//                 smallest initial 1 component to the one with the largest, under each
//                 parameterization; the variance study's ranges and gaps to n/k
// scripts/plot_runs.py turns the tables into figure2.png, figure3.png and variance.png.

#include "src/config/config_reader.h"
#include "src/error.h"
#include "trainers/framework/experiment.h"
#include "trainers/value/parallel_value_fits.h"
#include "trainers/value/value_sweep_grid.h"
#include "trainers/value/value_sweep_tables.h"

#include <chrono>

namespace {

using diffctl::InputError;

class ValueSweep : public diffctl::Experiment {
 public:
  ValueSweep(diffctl::ConfigReader& config, torch::Device device)
      : options_(diffctl::ValueSweepOptions::from_config(config)) {
    if (device != torch::kCPU) throw InputError("--device: value_sweep runs on the CPU, got " + device.str());
  }

  bool resumable() const override { return false; }
  void prepare() override { diffctl::check_sweep_configs(options_); }

  nlohmann::json run(diffctl::RunSink& sink, bool, bool quiet) override {
    const int64_t workers = options_.workers();
    const auto start = std::chrono::steady_clock::now();
    auto runs = diffctl::sweep_grid(options_);
    std::vector<nlohmann::json> configs;
    for (const auto& run : runs) configs.push_back(diffctl::sweep_run_config(options_, run));
    const diffctl::SweepTables tables(options_, std::move(runs),
                                      diffctl::run_value_fits_in_parallel(configs, workers, !quiet));
    auto figures = tables.figures();
    nlohmann::json summary = figures.summary;
    if (options_.runs_variance_study()) {
      const double eta = options_.figure2_eta;
      const auto study_runs = diffctl::variance_study_grid(options_, [&](const std::string& domain, const std::string& p) {
        return tables.best_rate(domain, p, eta);
      });
      std::vector<nlohmann::json> study_configs;
      for (const auto& run : study_runs) study_configs.push_back(diffctl::variance_run_config(options_, run));
      const auto study = diffctl::variance_tables(
          study_runs, diffctl::run_value_fits_in_parallel(study_configs, workers, !quiet));
      summary["variance_study"] = study.summary;
      sink.write_text("variance.csv", study.csv);
    }
    summary["workers"] = workers;
    summary["wall_time_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    sink.write_text("runs.csv", tables.runs_csv());
    sink.write_text("figure2.csv", figures.figure2_csv);
    sink.write_text("figure3.csv", figures.figure3_csv);
    return summary;
  }

 private:
  diffctl::ValueSweepOptions options_;
};

}  // namespace

int main(int argc, char** argv) {
  return diffctl::run_experiment_main(
      argc, argv,
      "value_sweep: implicit vs explicit value fitting over domains, eta, reward offsets,\n"
      "step sizes and seeds, in parallel (Figures 2 and 3), then the variance study\n"
      "(Theorem 5, Corollaries 2-3). Example:\n"
      "  build/bin/value_sweep --config data/configs/value_sweep.json",
      [](diffctl::ConfigReader& config, torch::Device device) { return std::make_unique<ValueSweep>(config, device); });
}
