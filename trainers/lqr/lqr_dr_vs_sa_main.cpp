// Experiment runner for domain-randomized-lqr-sgd.md, Figure 1: trains the same config in
// several modes (default DR and SA: equal steps, M and trials) with lqr_pg's trainer, one
// run directory per mode below --out, then writes the comparison:
//   comparison.csv  mode,step,cost_p10,cost_p50,cost_p90,k_norm_p10,k_norm_p50,k_norm_p90
//   summary.json    <mode>_final_cost_p10/_p50/_p90, <mode>_k_norm_p10/_p50/_p90, ...
//                   and, for a randomized domain, the references on the evaluation sample:
//                   nominal_gain_cost (Riccati gain of the nominal system), dr_optimal_cost
//                   (Newton minimum of the sample average over `reference_systems` systems
//                   drawn from `reference_seed`, started at the nominal gain) and
//                   <mode>_final_cost_relative_gap = (median J_DR − dr_optimal_cost) / dr_optimal_cost.
// scripts/plot_runs.py turns comparison.csv into cost_vs_step.png.

#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/lqr/lqr_cost.h"
#include "src/lqr/sample_average_minimum.h"
#include "src/parallel/parallel_for.h"
#include "src/training/json_number.h"
#include "trainers/framework/experiment.h"
#include "trainers/lqr/lqr_pg_trainer.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <sstream>

namespace {

using diffctl::InputError;
using diffctl::LqrSystems;
using diffctl::finite_or_null;
using diffctl::matrix_to_json;

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
    modes_ = config.choices("modes", {"dr", "sa"}, diffctl::enum_name_list(diffctl::kLqrTrainingModeNames));
    reference_systems_ = config.integer("reference_systems", reference_systems_, 1);
    reference_seed_ = config.integer("reference_seed", reference_seed_, 0);
    threads_ = config.integer("threads", threads_, 1, 256);
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
    resolved["reference_systems"] = reference_systems_;
    resolved["reference_seed"] = reference_seed_;
    resolved["threads"] = threads_;
    return resolved;
  }

  // With threads > 1 the modes train side by side (their runs share nothing but the
  // cores): a mode's tensor ops run on one core, so one mode alone leaves the other idle.
  void prepare() override {
    diffctl::parallel_for(static_cast<int64_t>(modes_.size()), parallel_modes(),
                          [&](int64_t i, int64_t) { trainers_[i]->prepare(); });
  }

  nlohmann::json run(diffctl::RunSink& sink, bool resume, bool quiet) override {
    const auto start = std::chrono::steady_clock::now();
    std::vector<diffctl::RunSink::Child> mode_runs;
    for (size_t i = 0; i < modes_.size(); ++i) mode_runs.push_back(sink.child(modes_[i], mode_configs_[i], resume));
    if (!quiet) {
      std::cerr << (parallel_modes() > 1 ? "modes side by side, progress of mode " : "mode ") << modes_.front()
                << ":\n";
    }
    std::vector<nlohmann::json> mode_summaries(modes_.size());
    diffctl::parallel_for(static_cast<int64_t>(modes_.size()), parallel_modes(), [&](int64_t i, int64_t) {
      // Side by side, one progress bar: the first mode's.
      const bool mode_quiet = quiet || (parallel_modes() > 1 && i > 0);
      if (!mode_quiet && i > 0) std::cerr << "mode " << modes_[i] << ":\n";
      mode_summaries[i] = trainers_[i]->run(*mode_runs[i].sink, mode_runs[i].resumed, mode_quiet);
    });

    nlohmann::json summary;
    std::string csv = "mode,step,cost_p10,cost_p50,cost_p90,k_norm_p10,k_norm_p50,k_norm_p90\n";
    for (size_t i = 0; i < modes_.size(); ++i) {
      mode_runs[i].sink->write_summary(mode_summaries[i]);
      for (const auto& item : mode_summaries[i].items()) {
        if (item.key().rfind("final_cost", 0) == 0 || item.key().rfind("k_norm", 0) == 0 ||
            item.key() == "unstable_fraction" || item.key() == "optimal_cost_lower_bound" ||
            item.key() == "backtracks") {
          summary[modes_[i] + "_" + item.key()] = item.value();
        }
      }
      csv += comparison_rows(modes_[i], mode_runs[i].sink->metrics());
    }
    summary["modes"] = modes_;
    summary["trials"] = trainers_.front()->trials();
    summary["steps"] = trainers_.front()->steps();
    add_references(summary);
    summary["wall_time_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    sink.write_text("comparison.csv", csv);
    return summary;
  }

 private:
  // The nominal Riccati gain and the reference DR optimum, both costed on the evaluation
  // sample of a mode that samples the domain (the same sample in every mode: same seed).
  void add_references(nlohmann::json& summary) const {
    const auto sampling = std::find_if(modes_.begin(), modes_.end(), [](const auto& mode) { return mode != "single"; });
    if (sampling == modes_.end()) return;
    const auto& trainer = *trainers_[sampling - modes_.begin()];
    const auto float64 = torch::TensorOptions().dtype(torch::kFloat64);
    auto generator = at::make_generator<at::CPUGeneratorImpl>(reference_seed_);
    const LqrSystems reference_sample = trainer.domain().sample(reference_systems_, generator, float64);
    const auto nominal_gain = trainer.nominal_riccati_gain();
    const auto minimum = diffctl::minimize_sample_average_cost(reference_sample, nominal_gain);
    const LqrSystems evaluation = trainer.evaluation_systems().to(float64);
    torch::NoGradGuard no_grad;
    const double optimal_cost = diffctl::lqr_cost(evaluation, minimum.gain).cost.mean().item<double>();
    summary["nominal_gain_cost"] = finite_or_null(diffctl::lqr_cost(evaluation, nominal_gain).cost.mean().item<double>());
    summary["dr_optimal_cost"] = finite_or_null(optimal_cost);
    summary["dr_optimal_gain"] = matrix_to_json(minimum.gain);
    summary["reference_newton_iterations"] = minimum.iterations;
    for (const auto& mode : modes_) {
      const auto& median = summary[mode + "_final_cost"];
      summary[mode + "_final_cost_relative_gap"] =
          median.is_number() ? nlohmann::json((median.get<double>() - optimal_cost) / optimal_cost) : nlohmann::json();
    }
  }

  std::vector<std::string> modes_;
  int64_t reference_systems_ = 10000;
  int64_t reference_seed_ = 1;
  int64_t threads_ = 2;
  int64_t parallel_modes() const { return std::min<int64_t>(threads_, modes_.size()); }
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
