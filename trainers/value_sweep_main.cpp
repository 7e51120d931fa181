// The sweep of implicit-value-estimators.md (Figures 2 and 3): value_fit over domains ×
// {explicit, implicit} × η × reward offsets × learning rates × seeds, run in parallel on all
// cores. The explicit parameterization does not depend on η and runs once per (domain,
// offset, rate, seed). Then the variance study (Theorem 5, Corollaries 2–3): at figure2_eta
// and each parameterization's best rate, runs that measure the SGD update's
// variance/mean-square ratio throughout training, on the data as collected and with every
// state once.
//   runs.csv      one row per sweep run (initial residual and its 1 component, final
//                 residual and its split, diverged)
//   figure2.csv   domain, parameterization, reward_offset: mean ± sd of the final residual at
//                 the best learning rate (lowest mean over all offsets and seeds; η =
//                 figure2_eta for implicit)
//   figure3.csv   implicit: domain, eta, reward_offset: mean ± sd at the best rate for that η
//   variance.csv  one row per study run: n/k and the ratio (without replacement) over
//                 training, computed exactly and measured from sampled minibatches
//   summary.json  per domain, how much the final residual grows from the offset with the
//                 smallest initial 1 component to the one with the largest, under each
//                 parameterization; the variance study's ranges and gaps to n/k
// scripts/plot_runs.py turns the tables into figure2.png, figure3.png and variance.png.

#include "src/config/config_reader.h"
#include "src/device.h"
#include "src/error.h"
#include "src/io/atomic_file.h"
#include "trainers/parallel_value_fits.h"
#include "trainers/run_setup.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <sstream>
#include <thread>

namespace {

namespace fs = std::filesystem;
using diffctl::InputError;

const std::vector<std::string> kDomains{"chain", "four_rooms", "mountain_car"};

struct Run {
  std::string domain;
  std::string parameterization;
  double eta;  // NaN for explicit (independent of η)
  double reward_offset;
  double learning_rate;
  int64_t seed;
  nlohmann::json summary;
};

struct VarianceRun {
  std::string domain;
  std::string train_set;
  std::string parameterization;
  double reward_offset;
  double learning_rate;
  int64_t seed;
  nlohmann::json summary;
};

struct VarianceStudy {
  bool enabled = true;
  std::vector<std::string> domains;
  std::vector<std::string> train_sets;
  std::map<std::string, int64_t> batch_sizes;
  int64_t variance_draws = 2000;
  int64_t eval_every = 10;
};

std::vector<double> number_list(diffctl::ConfigReader& reader, const std::string& key,
                                 const std::vector<double>& defaults) {
  const nlohmann::json value = reader.value(key, defaults);
  if (!value.is_array() || value.empty()) {
    throw InputError(reader.path_of(key) + ": expected a non-empty array of numbers, got " +
                     diffctl::describe_json(value));
  }
  std::vector<double> numbers;
  for (const auto& item : value) {
    if (!item.is_number()) {
      throw InputError(reader.path_of(key) + ": expected numbers, got " + diffctl::describe_json(item));
    }
    numbers.push_back(item.get<double>());
  }
  return numbers;
}

// Learning rates 2^i for the domain's exponent range per parameterization (Table 1).
std::map<std::string, std::vector<double>> read_learning_rates(diffctl::ConfigReader& reader,
                                                               const std::string& domain) {
  const bool chain = domain == "chain";
  std::map<std::string, std::vector<double>> rates;
  reader.section(domain, [&](diffctl::ConfigReader& section) {
    for (const std::string parameterization : {"explicit", "implicit"}) {
      const std::vector<double> defaults =
          parameterization == "explicit" ? (chain ? std::vector<double>{-2, 3} : std::vector<double>{2, 7})
                                         : (chain ? std::vector<double>{-8, -3} : std::vector<double>{-3, 2});
      const auto range = number_list(section, parameterization + "_log2_range", defaults);
      if (range.size() != 2 || range[0] > range[1]) {
        throw InputError(section.path_of(parameterization + "_log2_range") + ": expected [low, high] exponents");
      }
      for (double e = range[0]; e <= range[1] + 1e-9; e += 1.0) rates[parameterization].push_back(std::pow(2.0, e));
    }
  });
  return rates;
}

// By default the study covers the sweep's one-hot domains (Corollary 2's setting).
VarianceStudy read_variance_study(diffctl::ConfigReader& reader, const std::vector<std::string>& sweep_domains) {
  std::vector<std::string> one_hot_domains;
  for (const auto& domain : sweep_domains) {
    if (domain != "mountain_car") one_hot_domains.push_back(domain);
  }
  VarianceStudy study;
  reader.section("variance_study", [&](diffctl::ConfigReader& section) {
    study.enabled = section.boolean("enabled", true);
    study.domains = section.choices("domains", one_hot_domains, kDomains);
    study.train_sets = section.choices("train_sets", {"samples", "distinct_states"}, {"samples", "distinct_states"});
    section.section("batch_sizes", [&](diffctl::ConfigReader& sizes) {
      // The chain has 11 states: with each once, 25 cannot be drawn without replacement.
      for (const auto& domain : kDomains) study.batch_sizes[domain] = sizes.integer(domain, domain == "chain" ? 5 : 25, 1);
    });
    study.variance_draws = section.integer("variance_draws", 2000, 1);
    study.eval_every = section.integer("eval_every", 10, 1);
  });
  return study;
}

double mean_of(const std::vector<double>& values) {
  double total = 0.0;
  for (double v : values) total += v;
  return values.empty() ? std::numeric_limits<double>::quiet_NaN() : total / values.size();
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
  return found != summary.end() && found->is_number() ? found->get<double>() : std::numeric_limits<double>::quiet_NaN();
}

double final_residual(const Run& run) {
  const double value = number_in(run.summary, "final_residual_norm");
  return std::isnan(value) ? std::numeric_limits<double>::infinity() : value;
}

std::string number_text(double value) {
  if (std::isnan(value)) return "";
  if (std::isinf(value)) return "inf";
  std::ostringstream text;
  text.precision(10);
  text << value;
  return text.str();
}

// The study's figures for one (domain, train set, parameterization): ranges of n/k and of the
// ratio without replacement over every evaluation of every run, and the largest relative gap
// between the ratio and n/k (Corollary 2 says 0 for explicit one-hot distinct states).
nlohmann::json variance_figures(const std::vector<const VarianceRun*>& runs) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  double n_over_k_min = nan, n_over_k_max = nan, ratio_min = nan, ratio_max = nan, sampled_min = nan,
         sampled_max = nan, gap = nan, sampled_gap = nan;
  auto lower = [](double& bound, double value) { bound = std::isnan(bound) ? value : std::min(bound, value); };
  auto upper = [](double& bound, double value) { bound = std::isnan(bound) ? value : std::max(bound, value); };
  std::vector<double> finals;
  int64_t diverged = 0;
  int64_t exact_fits = 0;
  for (const VarianceRun* run : runs) {
    const auto& summary = run->summary;
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
  auto json_number = [](double value) { return std::isnan(value) ? nlohmann::json() : nlohmann::json(value); };
  return {{"runs", runs.size()},
          {"diverged_runs", diverged},
          {"n_over_k_min", json_number(n_over_k_min)},
          {"n_over_k_max", json_number(n_over_k_max)},
          {"ratio_min", json_number(ratio_min)},
          {"ratio_max", json_number(ratio_max)},
          {"ratio_final_mean", json_number(mean_of(finals))},
          {"runs_ending_in_an_exact_fit", exact_fits},
          {"sampled_ratio_min", json_number(sampled_min)},
          {"sampled_ratio_max", json_number(sampled_max)},
          {"max_relative_gap_to_n_over_k", json_number(gap)},
          {"sampled_max_relative_gap_to_n_over_k", json_number(sampled_gap)}};
}

}  // namespace

int main(int argc, char** argv) {
  return diffctl::run_executable(
      argc, argv,
      "value_sweep: implicit vs explicit value fitting over domains, eta, reward offsets,\n"
      "learning rates and seeds, in parallel (Figures 2 and 3), then the variance study\n"
      "(Theorem 5, Corollaries 2-3). Example:\n"
      "  build/bin/value_sweep --config data/configs/value_sweep.json",
      [&](const diffctl::RunOptions& options) {
    if (options.resume) throw InputError("--resume: value_sweep reruns from scratch; use a new --out");
    diffctl::parse_device(options.device);
    if (options.device != "cpu") throw InputError("--device: value_sweep runs on the CPU, got " + options.device);
    diffctl::ConfigReader reader(diffctl::load_run_config(options));
    const auto domains = reader.choices("domains", kDomains, kDomains);
    const auto etas = number_list(reader, "etas", {0.8, 0.9, 0.95, 0.975});
    const auto offsets = number_list(reader, "reward_offsets", {0.0, 0.25, 0.5, 0.75, 1.0});
    const int64_t seeds = reader.integer("seeds", 20, 1);
    const int64_t first_seed = reader.integer("seed", 0, 0);
    const double figure2_eta = reader.number("figure2_eta", 0.95, 0.0, false, 1.0);
    const int64_t threads = reader.integer("threads", 0, 0);
    std::map<std::string, std::map<std::string, std::vector<double>>> rates;
    reader.section("learning_rates", [&](diffctl::ConfigReader& section) {
      for (const auto& domain : kDomains) rates[domain] = read_learning_rates(section, domain);
    });
    const nlohmann::json run_settings = reader.value(
        "value_fit", {{"steps", 300}, {"batch_size", 25}, {"forward", "direct"}, {"measure_variance", false}});
    const VarianceStudy study = read_variance_study(reader, domains);
    reader.finish();
    for (double eta : etas) {
      if (!(eta >= 0.0 && eta < 1.0)) throw InputError("etas: expected numbers in [0, 1), got " + std::to_string(eta));
    }
    if (std::find(etas.begin(), etas.end(), figure2_eta) == etas.end()) {
      throw InputError("figure2_eta: expected one of etas, got " + std::to_string(figure2_eta));
    }
    const bool run_study = study.enabled && !study.domains.empty();
    for (const auto& domain : run_study ? study.domains : std::vector<std::string>{}) {
      if (std::find(domains.begin(), domains.end(), domain) == domains.end()) {
        throw InputError("variance_study.domains: expected domains the sweep runs (its best rates are used), got \"" +
                         domain + "\"");
      }
    }

    std::vector<Run> runs;
    for (const auto& domain : domains) {
      for (double offset : offsets) {
        for (int64_t seed = first_seed; seed < first_seed + seeds; ++seed) {
          for (double rate : rates[domain]["explicit"]) {
            runs.push_back({domain, "explicit", std::numeric_limits<double>::quiet_NaN(), offset, rate, seed, {}});
          }
          for (double eta : etas) {
            for (double rate : rates[domain]["implicit"]) runs.push_back({domain, "implicit", eta, offset, rate, seed, {}});
          }
        }
      }
    }
    auto run_config = [&](const std::string& domain, const std::string& parameterization, double eta, double rate,
                          double offset, int64_t seed) {
      nlohmann::json config = run_settings;
      config.update({{"domain", domain},
                     {"parameterization", parameterization},
                     {"eta", std::isnan(eta) ? figure2_eta : eta},
                     {"learning_rate", rate},
                     {"reward_offset", offset},
                     {"seed", seed},
                     {"eval_every", 0}});
      return config;
    };
    auto study_config = [&](const VarianceRun& run) {
      nlohmann::json config =
          run_config(run.domain, run.parameterization, figure2_eta, run.learning_rate, run.reward_offset, run.seed);
      config.update({{"train_set", run.train_set},
                     {"batch_size", study.batch_sizes.at(run.domain)},
                     {"measure_variance", true},
                     {"variance_draws", study.variance_draws},
                     {"eval_every", study.eval_every}});
      return config;
    };
    std::vector<nlohmann::json> configs;
    for (const Run& run : runs) {
      configs.push_back(run_config(run.domain, run.parameterization, run.eta, run.learning_rate, run.reward_offset, run.seed));
    }
    // Every kind of run's config is checked before any work starts.
    diffctl::check_value_fit_config(configs.front());
    if (run_study) {
      diffctl::check_value_fit_config(
          study_config({study.domains.front(), study.train_sets.front(), "implicit", offsets.front(), 1.0, first_seed, {}}));
    }

    const std::string run_dir = diffctl::choose_run_directory(options);
    diffctl::require_fresh_run_directory(run_dir);
    nlohmann::json resolved = reader.resolved();
    diffctl::open_run_directory(run_dir, resolved, false);
    const std::string scratch = (fs::path(run_dir) / "scratch").string();
    const int64_t workers = threads > 0 ? threads : std::max<int64_t>(1, std::thread::hardware_concurrency());
    const auto start = std::chrono::steady_clock::now();
    const auto summaries = diffctl::run_value_fits_in_parallel(configs, workers, scratch, !options.quiet);
    for (size_t i = 0; i < runs.size(); ++i) runs[i].summary = summaries[i];

    std::ostringstream runs_csv;
    runs_csv << "domain,parameterization,eta,reward_offset,learning_rate,seed,initial_residual_norm,"
                "initial_residual_ones_norm,final_residual_norm,residual_ones_norm,residual_ortho_norm,diverged\n";
    for (const Run& run : runs) {
      runs_csv << run.domain << ',' << run.parameterization << ',' << number_text(run.eta) << ','
               << number_text(run.reward_offset) << ',' << number_text(run.learning_rate) << ',' << run.seed;
      for (const char* key : {"initial_residual_norm", "initial_residual_ones_norm", "final_residual_norm",
                              "residual_ones_norm", "residual_ortho_norm"}) {
        runs_csv << ',' << number_text(number_in(run.summary, key));
      }
      runs_csv << ',' << (run.summary["diverged"].get<bool>() ? "true" : "false") << '\n';
    }

    // Final residuals by (domain, parameterization, η, learning rate, offset); explicit under η = NaN.
    auto residuals = [&](const std::string& domain, const std::string& parameterization, double eta, double rate,
                         double offset) {
      std::vector<double> values;
      for (const Run& run : runs) {
        const bool same_eta = parameterization == "explicit" || run.eta == eta;
        if (run.domain == domain && run.parameterization == parameterization && same_eta &&
            run.learning_rate == rate && run.reward_offset == offset) {
          values.push_back(final_residual(run));
        }
      }
      return values;
    };
    auto best_rate = [&](const std::string& domain, const std::string& parameterization, double eta) {
      double best = rates[domain][parameterization].front();
      double best_mean = std::numeric_limits<double>::infinity();
      for (double rate : rates[domain][parameterization]) {
        std::vector<double> all;
        for (double offset : offsets) {
          const auto values = residuals(domain, parameterization, eta, rate, offset);
          all.insert(all.end(), values.begin(), values.end());
        }
        const double mean = mean_of(all);
        if (mean < best_mean) {
          best_mean = mean;
          best = rate;
        }
      }
      return best;
    };
    // The mean initial 1 component of the residual at an offset: both parameterizations start
    // from the same θ, so the explicit runs tell it.
    auto initial_ones = [&](const std::string& domain, double offset) {
      std::vector<double> values;
      for (const Run& run : runs) {
        if (run.domain == domain && run.parameterization == "explicit" && run.reward_offset == offset) {
          values.push_back(number_in(run.summary, "initial_residual_ones_norm"));
        }
      }
      return mean_of(values);
    };

    std::ostringstream figure2;
    std::ostringstream figure3;
    figure2 << "domain,parameterization,reward_offset,learning_rate,mean,sd,seeds\n";
    figure3 << "domain,eta,reward_offset,learning_rate,mean,sd,seeds\n";
    nlohmann::json summary;
    for (const auto& domain : domains) {
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
        const double rate = best_rate(domain, parameterization, figure2_eta);
        std::vector<double> means;
        for (double offset : offsets) {
          const auto values = residuals(domain, parameterization, figure2_eta, rate, offset);
          means.push_back(mean_of(values));
          figure2 << domain << ',' << parameterization << ',' << number_text(offset) << ',' << number_text(rate) << ','
                  << number_text(means.back()) << ',' << number_text(sd_of(values)) << ',' << values.size() << '\n';
        }
        const std::string prefix = domain + "_" + parameterization;
        summary[prefix + "_best_learning_rate"] = rate;
        summary[prefix + "_residual_at_smallest_ones"] = means[smallest];
        summary[prefix + "_residual_at_largest_ones"] = means[largest];
        summary[prefix + "_residual_growth"] = means[largest] - means[smallest];
      }
      summary[domain + "_implicit_grows_less"] =
          summary[domain + "_implicit_residual_growth"].get<double>() < summary[domain + "_explicit_residual_growth"].get<double>();
      for (double eta : etas) {
        const double rate = best_rate(domain, "implicit", eta);
        for (double offset : offsets) {
          const auto values = residuals(domain, "implicit", eta, rate, offset);
          figure3 << domain << ',' << number_text(eta) << ',' << number_text(offset) << ',' << number_text(rate) << ','
                  << number_text(mean_of(values)) << ',' << number_text(sd_of(values)) << ',' << values.size() << '\n';
        }
      }
    }
    int64_t diverged = 0;
    for (const Run& run : runs) diverged += run.summary["diverged"].get<bool>() ? 1 : 0;
    summary["runs"] = runs.size();
    summary["diverged_runs"] = diverged;

    if (run_study) {
      std::vector<VarianceRun> variance_runs;
      for (const auto& domain : study.domains) {
        for (const auto& train_set : study.train_sets) {
          for (const std::string parameterization : {"explicit", "implicit"}) {
            const double rate = best_rate(domain, parameterization, figure2_eta);
            for (double offset : offsets) {
              for (int64_t seed = first_seed; seed < first_seed + seeds; ++seed) {
                variance_runs.push_back({domain, train_set, parameterization, offset, rate, seed, {}});
              }
            }
          }
        }
      }
      std::vector<nlohmann::json> study_configs;
      for (const VarianceRun& run : variance_runs) study_configs.push_back(study_config(run));
      const auto study_summaries = diffctl::run_value_fits_in_parallel(study_configs, workers, scratch, !options.quiet);
      std::ostringstream variance_csv;
      variance_csv << "domain,train_set,parameterization,reward_offset,seed,learning_rate,train_size,batch_size,"
                      "n_over_k,diverged,ratio_min,ratio_max,ratio_final,sampled_min,sampled_max,sampled_final\n";
      std::map<std::string, std::vector<const VarianceRun*>> groups;  // "domain/train_set/parameterization"
      for (size_t i = 0; i < variance_runs.size(); ++i) {
        VarianceRun& run = variance_runs[i];
        run.summary = study_summaries[i];
        groups[run.domain + "/" + run.train_set + "/" + run.parameterization].push_back(&run);
        const std::string name = "update_variance_ratio_without_replacement";
        variance_csv << run.domain << ',' << run.train_set << ',' << run.parameterization << ','
                     << number_text(run.reward_offset) << ',' << run.seed << ',' << number_text(run.learning_rate) << ','
                     << number_text(number_in(run.summary, "train_size")) << ','
                     << number_text(number_in(run.summary, "batch_size")) << ','
                     << number_text(number_in(run.summary, "train_size") / number_in(run.summary, "batch_size")) << ','
                     << (run.summary["diverged"].get<bool>() ? "true" : "false");
        for (const std::string suffix : {"_min", "_max", "", "_sampled_min", "_sampled_max", "_sampled"}) {
          variance_csv << ',' << number_text(number_in(run.summary, name + suffix));
        }
        variance_csv << '\n';
      }
      for (const auto& [key, group] : groups) {
        const VarianceRun& first = *group.front();
        summary["variance_study"][first.domain][first.train_set][first.parameterization] = variance_figures(group);
      }
      diffctl::write_text_atomically((fs::path(run_dir) / "variance.csv").string(), variance_csv.str());
    }
    summary["workers"] = workers;
    summary["wall_time_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    diffctl::write_text_atomically((fs::path(run_dir) / "runs.csv").string(), runs_csv.str());
    diffctl::write_text_atomically((fs::path(run_dir) / "figure2.csv").string(), figure2.str());
    diffctl::write_text_atomically((fs::path(run_dir) / "figure3.csv").string(), figure3.str());
    diffctl::write_text_atomically((fs::path(run_dir) / "summary.json").string(), summary.dump(2) + "\n");
    std::cout << "run directory: " << run_dir << "\n" << summary.dump(2) << std::endl;
  });
}
