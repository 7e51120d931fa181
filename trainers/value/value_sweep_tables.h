#pragma once

#include "trainers/value/value_sweep_grid.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace diffctl {

// The sweep's aggregation: from every run's summary to the CSV tables and summary.json
// (implicit-value-estimators.md, Figures 2 and 3, and the variance study).
class SweepTables {
 public:
  // `summaries[i]` belongs to `runs[i]`.
  SweepTables(const ValueSweepOptions& options, std::vector<SweepRun> runs, std::vector<nlohmann::json> summaries);

  // The step size with the lowest mean final residual over all offsets and seeds
  // (η = eta for implicit; a diverged run counts as +∞).
  double best_rate(const std::string& domain, const std::string& parameterization, double eta) const;

  std::string runs_csv() const;
  // figure2.csv (at figure2_eta and each parameterization's best rate) and figure3.csv
  // (implicit, every η at its best rate), and the summary's figures: per domain, how much
  // the final residual grows from the offset with the smallest initial 1 component to the
  // one with the largest, under each parameterization.
  struct Figures {
    std::string figure2_csv;
    std::string figure3_csv;
    nlohmann::json summary;
  };
  Figures figures() const;

 private:
  using Key = std::tuple<std::string, std::string, double, double, double>;  // domain, param, η, rate, offset
  std::vector<double> final_residuals(const std::string& domain, const std::string& parameterization, double eta,
                                      double rate, double offset) const;
  double initial_ones(const std::string& domain, double offset) const;

  const ValueSweepOptions& options_;
  std::vector<SweepRun> runs_;
  std::vector<nlohmann::json> summaries_;
  std::map<Key, std::vector<double>> final_residuals_;  // explicit runs under η = −1
  std::map<std::pair<std::string, double>, std::vector<double>> initial_ones_;  // (domain, offset)
};

// variance.csv and summary.json's variance_study for the study's runs and summaries.
struct VarianceTables {
  std::string csv;
  nlohmann::json summary;
};
VarianceTables variance_tables(const std::vector<VarianceRun>& runs, const std::vector<nlohmann::json>& summaries);

}  // namespace diffctl
