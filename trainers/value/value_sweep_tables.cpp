#include "trainers/value/value_sweep_tables.h"

#include "src/training/json_number.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace diffctl {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kExplicitEta = -1.0;  // the key under which explicit runs (independent of η) are filed

double mean_of(const std::vector<double>& values) {
  double total = 0.0;
  for (double v : values) total += v;
  return values.empty() ? kNaN : total / values.size();
}

double sd_of(const std::vector<double>& values) {
  if (values.size() < 2) return 0.0;
  const double mean = mean_of(values);
  double total = 0.0;
  for (double v : values) total += (v - mean) * (v - mean);
  return std::sqrt(total / (values.size() - 1));
}

// A summary's number, NaN when absent or null (a diverged run).
double number_in(const nlohmann::json& summary, const std::string& key) {
  const auto found = summary.find(key);
  return found != summary.end() && found->is_number() ? found->get<double>() : kNaN;
}

std::string number_text(double value) {
  if (std::isnan(value)) return "";
  if (std::isinf(value)) return "inf";
  std::ostringstream text;
  text.precision(10);
  text << value;
  return text.str();
}

double eta_key(const std::string& parameterization, double eta) {
  return parameterization == "explicit" ? kExplicitEta : eta;
}

// The study's figures for one (domain, train set, parameterization): ranges of n/k and of the
// ratio without replacement over every evaluation of every run, and the largest relative gap
// between the ratio and n/k (Corollary 2 says 0 for explicit one-hot distinct states).
nlohmann::json variance_figures(const std::vector<const nlohmann::json*>& summaries) {
  double n_over_k_min = kNaN, n_over_k_max = kNaN, ratio_min = kNaN, ratio_max = kNaN, sampled_min = kNaN,
         sampled_max = kNaN, gap = kNaN, sampled_gap = kNaN;
  auto lower = [](double& bound, double value) { bound = std::isnan(bound) ? value : std::min(bound, value); };
  auto upper = [](double& bound, double value) { bound = std::isnan(bound) ? value : std::max(bound, value); };
  std::vector<double> finals;
  int64_t diverged = 0;
  int64_t exact_fits = 0;
  for (const nlohmann::json* summary_pointer : summaries) {
    const auto& summary = *summary_pointer;
    if (summary["diverged"].get<bool>()) {
      ++diverged;
      continue;
    }
    const double n_over_k = number_in(summary, "train_size") / number_in(summary, "batch_size");
    const std::string name = "update_variance_ratio_without_replacement";
    const double low = number_in(summary, name + "_min"), high = number_in(summary, name + "_max");
    const double sampled_low = number_in(summary, name + "_sampled_min");
    const double sampled_high = number_in(summary, name + "_sampled_max");
    if (std::isnan(low)) continue;  // k > n: nothing drawn without replacement
    lower(n_over_k_min, n_over_k);
    upper(n_over_k_max, n_over_k);
    lower(ratio_min, low);
    upper(ratio_max, high);
    lower(sampled_min, sampled_low);
    upper(sampled_max, sampled_high);
    upper(gap, std::max(std::abs(low / n_over_k - 1.0), std::abs(high / n_over_k - 1.0)));
    upper(sampled_gap, std::max(std::abs(sampled_low / n_over_k - 1.0), std::abs(sampled_high / n_over_k - 1.0)));
    const double final_ratio = number_in(summary, name);
    if (std::isnan(final_ratio)) {
      ++exact_fits;  // the last evaluation found every update zero: 0/0
    } else {
      finals.push_back(final_ratio);
    }
  }
  return {{"runs", summaries.size()},
          {"diverged_runs", diverged},
          {"n_over_k_min", finite_or_null(n_over_k_min)},
          {"n_over_k_max", finite_or_null(n_over_k_max)},
          {"ratio_min", finite_or_null(ratio_min)},
          {"ratio_max", finite_or_null(ratio_max)},
          {"ratio_final_mean", finite_or_null(mean_of(finals))},
          {"runs_ending_in_an_exact_fit", exact_fits},
          {"sampled_ratio_min", finite_or_null(sampled_min)},
          {"sampled_ratio_max", finite_or_null(sampled_max)},
          {"max_relative_gap_to_n_over_k", finite_or_null(gap)},
          {"sampled_max_relative_gap_to_n_over_k", finite_or_null(sampled_gap)}};
}

}  // namespace

SweepTables::SweepTables(const ValueSweepOptions& options, std::vector<SweepRun> runs,
                         std::vector<nlohmann::json> summaries)
    : options_(options), runs_(std::move(runs)), summaries_(std::move(summaries)) {
  for (size_t i = 0; i < runs_.size(); ++i) {
    const SweepRun& run = runs_[i];
    const double residual = number_in(summaries_[i], "final_residual_norm");
    final_residuals_[{run.domain, run.parameterization, eta_key(run.parameterization, run.eta), run.step_size,
                      run.reward_offset}]
        .push_back(std::isnan(residual) ? std::numeric_limits<double>::infinity() : residual);
    // Both parameterizations start from the same θ, so the explicit runs tell the initial
    // 1 component of the residual.
    if (run.parameterization == "explicit") {
      initial_ones_[{run.domain, run.reward_offset}].push_back(number_in(summaries_[i], "initial_residual_ones_norm"));
    }
  }
}

std::vector<double> SweepTables::final_residuals(const std::string& domain, const std::string& parameterization,
                                                 double eta, double rate, double offset) const {
  const auto found = final_residuals_.find({domain, parameterization, eta_key(parameterization, eta), rate, offset});
  return found == final_residuals_.end() ? std::vector<double>{} : found->second;
}

double SweepTables::initial_ones(const std::string& domain, double offset) const {
  const auto found = initial_ones_.find({domain, offset});
  return found == initial_ones_.end() ? kNaN : mean_of(found->second);
}

double SweepTables::best_rate(const std::string& domain, const std::string& parameterization, double eta) const {
  const auto& rates = options_.step_sizes.at(domain).at(parameterization);
  double best = rates.front();
  double best_mean = std::numeric_limits<double>::infinity();
  for (double rate : rates) {
    std::vector<double> all;
    for (double offset : options_.reward_offsets) {
      const auto values = final_residuals(domain, parameterization, eta, rate, offset);
      all.insert(all.end(), values.begin(), values.end());
    }
    const double mean = mean_of(all);
    if (mean < best_mean) {
      best_mean = mean;
      best = rate;
    }
  }
  return best;
}

std::string SweepTables::runs_csv() const {
  std::ostringstream csv;
  csv << "domain,parameterization,eta,reward_offset,step_size,seed,initial_residual_norm,"
         "initial_residual_ones_norm,final_residual_norm,residual_ones_norm,residual_ortho_norm,diverged\n";
  for (size_t i = 0; i < runs_.size(); ++i) {
    const SweepRun& run = runs_[i];
    csv << run.domain << ',' << run.parameterization << ',' << number_text(run.eta) << ','
        << number_text(run.reward_offset) << ',' << number_text(run.step_size) << ',' << run.seed;
    for (const char* key : {"initial_residual_norm", "initial_residual_ones_norm", "final_residual_norm",
                            "residual_ones_norm", "residual_ortho_norm"}) {
      csv << ',' << number_text(number_in(summaries_[i], key));
    }
    csv << ',' << (summaries_[i]["diverged"].get<bool>() ? "true" : "false") << '\n';
  }
  return csv.str();
}

SweepTables::Figures SweepTables::figures() const {
  const auto& offsets = options_.reward_offsets;
  std::ostringstream figure2, figure3;
  figure2 << "domain,parameterization,reward_offset,step_size,mean,sd,seeds\n";
  figure3 << "domain,eta,reward_offset,step_size,mean,sd,seeds\n";
  nlohmann::json summary;
  for (const auto& domain : options_.domains) {
    // Theorem 4's prediction is about the residual's 1 component, which the offset moves:
    // up with the offset on chain and four rooms, down on mountain car (−1 per step at 0).
    size_t smallest = 0, largest = 0;
    for (size_t i = 0; i < offsets.size(); ++i) {
      if (initial_ones(domain, offsets[i]) < initial_ones(domain, offsets[smallest])) smallest = i;
      if (initial_ones(domain, offsets[i]) > initial_ones(domain, offsets[largest])) largest = i;
    }
    summary[domain + "_offset_with_smallest_ones"] = offsets[smallest];
    summary[domain + "_offset_with_largest_ones"] = offsets[largest];
    for (const std::string parameterization : {"explicit", "implicit"}) {
      const double rate = best_rate(domain, parameterization, options_.figure2_eta);
      std::vector<double> means;
      for (double offset : offsets) {
        const auto values = final_residuals(domain, parameterization, options_.figure2_eta, rate, offset);
        means.push_back(mean_of(values));
        figure2 << domain << ',' << parameterization << ',' << number_text(offset) << ',' << number_text(rate) << ','
                << number_text(means.back()) << ',' << number_text(sd_of(values)) << ',' << values.size() << '\n';
      }
      const std::string prefix = domain + "_" + parameterization;
      summary[prefix + "_best_step_size"] = rate;
      summary[prefix + "_residual_at_smallest_ones"] = means[smallest];
      summary[prefix + "_residual_at_largest_ones"] = means[largest];
      summary[prefix + "_residual_growth"] = means[largest] - means[smallest];
    }
    summary[domain + "_implicit_grows_less"] = summary[domain + "_implicit_residual_growth"].get<double>() <
                                               summary[domain + "_explicit_residual_growth"].get<double>();
    for (double eta : options_.etas) {
      const double rate = best_rate(domain, "implicit", eta);
      for (double offset : offsets) {
        const auto values = final_residuals(domain, "implicit", eta, rate, offset);
        figure3 << domain << ',' << number_text(eta) << ',' << number_text(offset) << ',' << number_text(rate) << ','
                << number_text(mean_of(values)) << ',' << number_text(sd_of(values)) << ',' << values.size() << '\n';
      }
    }
  }
  int64_t diverged = 0;
  for (const auto& run_summary : summaries_) diverged += run_summary["diverged"].get<bool>() ? 1 : 0;
  summary["runs"] = runs_.size();
  summary["diverged_runs"] = diverged;
  return {figure2.str(), figure3.str(), summary};
}

VarianceTables variance_tables(const std::vector<VarianceRun>& runs, const std::vector<nlohmann::json>& summaries) {
  std::ostringstream csv;
  csv << "domain,train_set,parameterization,reward_offset,seed,step_size,train_size,batch_size,"
         "n_over_k,diverged,ratio_min,ratio_max,ratio_final,sampled_min,sampled_max,sampled_final\n";
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<const nlohmann::json*>> groups;
  for (size_t i = 0; i < runs.size(); ++i) {
    const VarianceRun& run = runs[i];
    const nlohmann::json& summary = summaries[i];
    groups[{run.domain, run.train_set, run.parameterization}].push_back(&summary);
    const std::string name = "update_variance_ratio_without_replacement";
    csv << run.domain << ',' << run.train_set << ',' << run.parameterization << ',' << number_text(run.reward_offset)
        << ',' << run.seed << ',' << number_text(run.step_size) << ','
        << number_text(number_in(summary, "train_size")) << ',' << number_text(number_in(summary, "batch_size")) << ','
        << number_text(number_in(summary, "train_size") / number_in(summary, "batch_size")) << ','
        << (summary["diverged"].get<bool>() ? "true" : "false");
    for (const std::string suffix : {"_min", "_max", "", "_sampled_min", "_sampled_max", "_sampled"}) {
      csv << ',' << number_text(number_in(summary, name + suffix));
    }
    csv << '\n';
  }
  nlohmann::json study;
  for (const auto& [key, group] : groups) {
    study[std::get<0>(key)][std::get<1>(key)][std::get<2>(key)] = variance_figures(group);
  }
  return {csv.str(), study};
}

}  // namespace diffctl
