// The complexity study of zeroth-order-lqr-proofs.md (appendix D, Figures 3–4): for each LQR
// instance and estimator (two-point vs one-point), zo_lqr runs from C(K₀) = init_cost_factor ·
// C(K*) for several seeds, and records the evaluations of F it took to first reach each of
// `epsilon_count` log-spaced relative gaps (C(K) − C(K*)) / C(K*) ≤ ε in [epsilon_min,
// epsilon_max]; seeds `seed`, ..., `seed` + `seeds` − 1. (Relative, so one grid fits instances whose C(K*) ranges from 2.4 to 389.)
// A run stops at the smallest ε, at max_evaluations, or when a step still leaves the stable
// set after 30 halvings (counted as diverged); an ε it did not reach is censored.
//   scaling.csv   instance,estimator,seed,epsilon,evaluations (empty: not reached)
//   summary.json  per instance and estimator: median evaluations per ε over seeds (null when
//                 half or more are censored), the least-squares slope of log(median
//                 evaluations) against log(1/ε), runs diverged; per instance whether two-point
//                 needed fewer evaluations than one-point at every ε ≤ 0.05.
// scripts/plot_runs.py draws scaling.png from scaling.csv.

#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/stats/percentile.h"
#include "src/training/json_number.h"
#include "trainers/framework/experiment.h"
#include "trainers/framework/run_sink.h"
#include "trainers/zeroth_order/zo_lqr_trainer.h"

#include <cmath>
#include <iostream>
#include <limits>
#include <map>
#include <sstream>

namespace {

using diffctl::InputError;

struct EstimatorSettings {
  double step_size = 0.0;
  double smoothing_radius = 0.0;
  int64_t directions = 8;
};

// Keeps no metric lines: records, for each ε, the evaluations when the relative gap first
// fell to ε or below.
class ThresholdSink : public diffctl::MemorySink {
 public:
  explicit ThresholdSink(std::vector<double> epsilons)
      : epsilons_(std::move(epsilons)), evaluations_(epsilons_.size(), -1) {}

  void log(int64_t, double, const nlohmann::json& metrics) override {
    const auto gap = metrics.find("relative_suboptimality");
    if (gap == metrics.end() || !gap->is_number()) return;
    for (size_t i = 0; i < epsilons_.size(); ++i) {
      if (evaluations_[i] < 0 && gap->get<double>() <= epsilons_[i]) evaluations_[i] = metrics.at("evaluations").get<int64_t>();
    }
  }

  const std::vector<int64_t>& evaluations() const { return evaluations_; }

 private:
  std::vector<double> epsilons_;
  std::vector<int64_t> evaluations_;  // −1: not reached
};

// Least-squares slope of log y against log x.
double log_log_slope(const std::vector<double>& x, const std::vector<double>& y) {
  double mean_x = 0, mean_y = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    mean_x += std::log(x[i]) / x.size();
    mean_y += std::log(y[i]) / y.size();
  }
  double covariance = 0, variance = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    covariance += (std::log(x[i]) - mean_x) * (std::log(y[i]) - mean_y);
    variance += (std::log(x[i]) - mean_x) * (std::log(x[i]) - mean_x);
  }
  return covariance / variance;
}

class ZoLqrScaling : public diffctl::Experiment {
 public:
  ZoLqrScaling(diffctl::ConfigReader& config, torch::Device device) : device_(device) {
    seeds_ = config.integer("seeds", 3, 1, 1000);
    first_seed_ = config.integer("seed", 1, 0);
    const double epsilon_max = config.number("epsilon_max", 0.5, 0.0, true);
    const double epsilon_min = config.number("epsilon_min", 0.006, 0.0, true, epsilon_max);
    const int64_t count = config.integer("epsilon_count", 8, 2, 100);
    for (int64_t i = 0; i < count; ++i) {
      epsilons_.push_back(epsilon_max * std::pow(epsilon_min / epsilon_max, static_cast<double>(i) / (count - 1)));
    }
    max_evaluations_ = config.integer("max_evaluations", 1000000, 1);
    common_ = {{"init_cost_factor", config.number("init_cost_factor", 2.0, 1.0, true)},
               {"objective", config.choice("objective", "exact", diffctl::enum_name_list(diffctl::kLqrOracleObjectiveNames))},
               {"rollout_horizon", config.integer("rollout_horizon", 100, 1)},
               {"threads", config.integer("threads", 2, 1, 256)}};
    const nlohmann::json instances = config.value("instances", nlohmann::json::object());
    if (!instances.is_object() || instances.empty()) {
      throw InputError("instances: expected an object {instance: {two_point: {...}, one_point: {...}}, ...}");
    }
    for (const auto& instance : instances.items()) {
      diffctl::ConfigReader instance_reader(instance.value(), "instances." + instance.key());
      for (const char* estimator : {"two_point", "one_point"}) {
        EstimatorSettings settings;
        instance_reader.section(estimator, [&](diffctl::ConfigReader& section) {
          settings.step_size = section.number("step_size", 0.0, 0.0, true);
          settings.smoothing_radius = section.number("smoothing_radius", 0.0, 0.0, true);
          settings.directions = section.integer("directions", settings.directions, 1);
        });
        if (settings.step_size <= 0.0) {
          throw InputError(instance_reader.path_of(estimator) + ": expected {step_size, smoothing_radius, directions}");
        }
        runs_.push_back({instance.key(), estimator, settings});
      }
      instance_reader.finish();
    }
    // Every run's trainer config is checked now, before any run directory exists.
    for (const auto& run : runs_) trainer_for(run, first_seed_);
  }

  bool resumable() const override { return false; }

  nlohmann::json run(diffctl::RunSink& sink, bool, bool quiet) override {
    std::ostringstream csv;
    csv.precision(10);
    csv << "instance,estimator,seed,epsilon,evaluations\n";
    nlohmann::json summary = {{"epsilons", epsilons_}, {"seeds", seeds_}, {"max_evaluations", max_evaluations_}};
    std::map<std::string, std::map<std::string, std::vector<double>>> medians;  // +inf: censored
    for (const auto& run : runs_) {
      std::vector<std::vector<int64_t>> per_seed;
      int64_t diverged = 0;
      for (int64_t seed = first_seed_; seed < first_seed_ + seeds_; ++seed) {
        auto trainer = trainer_for(run, seed);
        trainer->prepare();
        ThresholdSink thresholds(epsilons_);
        try {
          trainer->run(thresholds, /*resume=*/false, /*quiet=*/true);
        } catch (const InputError&) {
          throw;
        } catch (const diffctl::Error&) {
          ++diverged;  // what it reached before diverging stands; the rest is censored
        }
        per_seed.push_back(thresholds.evaluations());
        for (size_t i = 0; i < epsilons_.size(); ++i) {
          csv << run.instance << ',' << run.estimator << ',' << seed << ',' << epsilons_[i] << ',';
          if (per_seed.back()[i] >= 0) csv << per_seed.back()[i];
          csv << '\n';
        }
        if (!quiet) {
          int64_t reached = 0;
          for (auto evaluations : per_seed.back()) reached += evaluations >= 0;
          std::cerr << run.instance << ' ' << run.estimator << " seed " << seed << ": reached " << reached << " of "
                    << epsilons_.size() << " epsilons\n";
        }
      }
      nlohmann::json entry = {{"diverged_runs", diverged}};
      std::vector<double> median(epsilons_.size()), inverse_epsilons, reached_medians;
      for (size_t i = 0; i < epsilons_.size(); ++i) {
        std::vector<double> values;
        for (const auto& seed_values : per_seed) {
          values.push_back(seed_values[i] >= 0 ? static_cast<double>(seed_values[i])
                                               : std::numeric_limits<double>::infinity());
        }
        median[i] = diffctl::percentile(values, 50);
        entry["median_evaluations"].push_back(diffctl::finite_or_null(median[i]));
        if (std::isfinite(median[i])) {
          inverse_epsilons.push_back(1.0 / epsilons_[i]);
          reached_medians.push_back(median[i]);
        }
      }
      entry["slope"] = reached_medians.size() >= 2 ? nlohmann::json(log_log_slope(inverse_epsilons, reached_medians))
                                                   : nlohmann::json();
      summary[run.instance][run.estimator] = entry;
      medians[run.instance][run.estimator] = median;
    }
    bool everywhere = true;
    for (const auto& [instance, by_estimator] : medians) {
      bool fewer = true;
      for (size_t i = 0; i < epsilons_.size(); ++i) {
        if (epsilons_[i] > 0.05) continue;
        const double two_point = by_estimator.at("two_point")[i], one_point = by_estimator.at("one_point")[i];
        fewer = fewer && std::isfinite(two_point) && two_point < one_point;
      }
      summary[instance]["two_point_fewer_at_small_epsilon"] = fewer;
      everywhere = everywhere && fewer;
    }
    summary["two_point_fewer_at_small_epsilon"] = everywhere;
    sink.write_text("scaling.csv", csv.str());
    return summary;
  }

 private:
  struct Run {
    std::string instance;
    std::string estimator;
    EstimatorSettings settings;
  };

  std::unique_ptr<diffctl::ZoLqrTrainer> trainer_for(const Run& run, int64_t seed) const {
    const int64_t evaluations_per_step = (run.estimator == "two_point" ? 2 : 1) * run.settings.directions;
    nlohmann::json config = common_;
    config.update({{"instance", run.instance},
                   {"estimator", run.estimator},
                   {"step_size", run.settings.step_size},
                   {"smoothing_radius", run.settings.smoothing_radius},
                   {"directions", run.settings.directions},
                   {"steps", std::max<int64_t>(1, max_evaluations_ / evaluations_per_step)},
                   {"tolerance", 0.0},
                   {"relative_tolerance", epsilons_.back()},
                   {"eval_every", 0},
                   {"log_every", 1},
                   {"seed", seed}});
    diffctl::ConfigReader reader(config, "instances." + run.instance + "." + run.estimator);
    auto trainer = std::make_unique<diffctl::ZoLqrTrainer>(reader, device_);
    reader.finish();
    return trainer;
  }

  torch::Device device_;
  int64_t seeds_ = 3;
  int64_t first_seed_ = 1;  // seeds first_seed_, ..., first_seed_ + seeds_ − 1
  std::vector<double> epsilons_;
  int64_t max_evaluations_ = 0;
  nlohmann::json common_;
  std::vector<Run> runs_;
};

}  // namespace

int main(int argc, char** argv) {
  return diffctl::run_experiment_main(
      argc, argv,
      "zo_lqr_scaling: evaluations to reach each relative gap epsilon, two-point vs one-point zeroth-order\n"
      "LQR, per instance and seed. Example: build/bin/zo_lqr_scaling --config data/configs/zo_lqr_scaling.json",
      [](diffctl::ConfigReader& config, torch::Device device) {
        return std::make_unique<ZoLqrScaling>(config, device);
      });
}
