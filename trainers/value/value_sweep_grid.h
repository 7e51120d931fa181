#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace diffctl {

class ConfigReader;

// The grid of implicit-value-estimators.md's sweep (Figures 2 and 3) and of its variance
// study (Theorem 5, Corollaries 2–3): which value_fit runs there are, and each one's config.

struct VarianceStudyOptions {
  bool enabled = true;
  std::vector<std::string> domains;
  std::vector<std::string> train_sets;
  std::map<std::string, int64_t> batch_sizes;
  int64_t variance_draws = 2000;
  int64_t eval_every = 10;
};

struct ValueSweepOptions {
  std::vector<std::string> domains;
  std::vector<double> etas;
  std::vector<double> reward_offsets;
  int64_t seeds = 20;
  int64_t first_seed = 0;
  double figure2_eta = 0.95;
  int64_t threads = 0;  // 0: one per core
  // Step sizes per domain and parameterization (2^i over Table 1's exponent ranges).
  std::map<std::string, std::map<std::string, std::vector<double>>> step_sizes;
  nlohmann::json value_fit;  // settings shared by every run
  VarianceStudyOptions variance_study;

  static ValueSweepOptions from_config(ConfigReader& reader);
  int64_t workers() const;
  bool runs_variance_study() const { return variance_study.enabled && !variance_study.domains.empty(); }
};

// One run of the sweep. The explicit parameterization does not depend on η: it runs once
// per (domain, offset, rate, seed), with eta NaN.
struct SweepRun {
  std::string domain;
  std::string parameterization;
  double eta;
  double reward_offset;
  double step_size;
  int64_t seed;
};

// One run of the variance study, at figure2_eta and its parameterization's best rate.
struct VarianceRun {
  std::string domain;
  std::string train_set;
  std::string parameterization;
  double reward_offset;
  double step_size;
  int64_t seed;
};

std::vector<SweepRun> sweep_grid(const ValueSweepOptions& options);
nlohmann::json sweep_run_config(const ValueSweepOptions& options, const SweepRun& run);

// `best_rate(domain, parameterization)` picks each group's step size.
template <typename BestRate>
std::vector<VarianceRun> variance_study_grid(const ValueSweepOptions& options, const BestRate& best_rate) {
  std::vector<VarianceRun> runs;
  for (const auto& domain : options.variance_study.domains) {
    for (const auto& train_set : options.variance_study.train_sets) {
      for (const std::string parameterization : {"explicit", "implicit"}) {
        const double rate = best_rate(domain, parameterization);
        for (double offset : options.reward_offsets) {
          for (int64_t seed = options.first_seed; seed < options.first_seed + options.seeds; ++seed) {
            runs.push_back({domain, train_set, parameterization, offset, rate, seed});
          }
        }
      }
    }
  }
  return runs;
}
nlohmann::json variance_run_config(const ValueSweepOptions& options, const VarianceRun& run);

// Throws the InputError a worker would for any kind of run, before any work starts.
void check_sweep_configs(const ValueSweepOptions& options);

}  // namespace diffctl
