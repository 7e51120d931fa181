// Experiment runner for domain-randomized-lqr-sgd.md, Figure 1: trains the same config in
// several modes (default DR and SA: equal steps, M and trials) with lqr_pg's trainer, one
// run directory per mode below --out, then writes the comparison:
//   comparison.csv  mode,step,cost_p10,cost_p50,cost_p90,k_norm_p10,k_norm_p50,k_norm_p90
//   summary.json    <mode>_final_cost_p10/_p50/_p90, <mode>_k_norm_p10/_p50/_p90, ...
// scripts/plot_runs.py turns comparison.csv into cost_vs_step.png.

#include "src/config/config_reader.h"
#include "src/error.h"
#include "trainers/experiment.h"
#include "trainers/lqr_pg_trainer.h"

#include <iostream>
#include <sstream>

namespace {

using diffctl::InputError;

std::string csv_field(const nlohmann::json& value) {
  if (value.is_number()) {
    std::ostringstream text;
    text.precision(12);
    text << value.get<double>();
    return text.str();
  }
  return "inf";  // an infinite cost is logged as null
}

// The evaluation lines of a mode's metrics as CSV rows.
std::string comparison_rows(const std::string& mode, const std::vector<nlohmann::json>& metrics) {
  std::ostringstream rows;
  for (const auto& entry : metrics) {
    if (!entry.contains("eval_cost_p50")) continue;
    rows << mode << ',' << entry["step"].get<int64_t>();
    for (const char* key : {"eval_cost_p10", "eval_cost_p50", "eval_cost_p90", "k_norm_p10", "k_norm_p50", "k_norm_p90"}) {
      rows << ',' << csv_field(entry[key]);
    }
    rows << '\n';
  }
  return rows.str();
}

class DrVsSaComparison : public diffctl::Experiment {
 public:
  DrVsSaComparison(diffctl::ConfigReader& config, torch::Device device) {
    modes_ = config.choices("modes", {"dr", "sa"}, {"dr", "sa", "single"});
    const nlohmann::json trainer_config = config.take_unread();
    if (trainer_config.contains("mode")) throw InputError("mode: set per run by \"modes\" in lqr_dr_vs_sa, drop it");
    for (const auto& mode : modes_) {
      nlohmann::json mode_config = trainer_config;
      mode_config["mode"] = mode;
      diffctl::ConfigReader reader(mode_config);
      trainers_.push_back(std::make_unique<diffctl::LqrPgTrainer>(reader, device));
      reader.finish();
      if (trainers_.back()->trials() < 2) {
        throw InputError("trials: expected an integer >= 2 (percentiles across trials), got " +
                         std::to_string(trainers_.back()->trials()));
      }
      mode_configs_.push_back(reader.resolved());
    }
  }

  nlohmann::json resolved_config(const nlohmann::json&) const override {
    nlohmann::json resolved = mode_configs_.front();
    resolved.erase("mode");
    resolved["modes"] = modes_;
    return resolved;
  }

  void prepare() override {
    for (auto& trainer : trainers_) trainer->prepare();
  }

  nlohmann::json run(diffctl::RunSink& sink, bool resume, bool quiet) override {
    nlohmann::json summary;
    std::string csv = "mode,step,cost_p10,cost_p50,cost_p90,k_norm_p10,k_norm_p50,k_norm_p90\n";
    double wall_time_s = 0.0;
    for (size_t i = 0; i < modes_.size(); ++i) {
      auto mode_run = sink.child(modes_[i], mode_configs_[i], resume);
      if (!quiet) std::cerr << "mode " << modes_[i] << ":\n";
      const auto mode_summary = trainers_[i]->run(*mode_run.sink, mode_run.resumed, quiet);
      mode_run.sink->write_summary(mode_summary);
      for (const auto& item : mode_summary.items()) {
        if (item.key().rfind("final_cost", 0) == 0 || item.key().rfind("k_norm", 0) == 0 ||
            item.key() == "unstable_fraction" || item.key() == "optimal_cost_lower_bound") {
          summary[modes_[i] + "_" + item.key()] = item.value();
        }
      }
      wall_time_s += mode_summary["wall_time_s"].get<double>();
      csv += comparison_rows(modes_[i], mode_run.sink->metrics());
    }
    summary["modes"] = modes_;
    summary["trials"] = trainers_.front()->trials();
    summary["steps"] = trainers_.front()->steps();
    summary["wall_time_s"] = wall_time_s;
    sink.write_text("comparison.csv", csv);
    return summary;
  }

 private:
  std::vector<std::string> modes_;
  std::vector<std::unique_ptr<diffctl::LqrPgTrainer>> trainers_;
  std::vector<nlohmann::json> mode_configs_;
};

}  // namespace

int main(int argc, char** argv) {
  return diffctl::run_experiment_main(
      argc, argv,
      "lqr_dr_vs_sa: DR vs SA minibatch SGD on domain-randomized LQR (trials per mode,\n"
      "percentile bands). Example: build/bin/lqr_dr_vs_sa --config data/configs/cartpole_dr_vs_sa.json",
      [](diffctl::ConfigReader& config, torch::Device device) {
        return std::make_unique<DrVsSaComparison>(config, device);
      });
}
