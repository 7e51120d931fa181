#include "trainers/value/value_sweep_grid.h"

#include "src/config/config_reader.h"
#include "src/error.h"
#include "trainers/value/parallel_value_fits.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

namespace diffctl {

namespace {

const std::vector<std::string> kDomains{"chain", "four_rooms", "mountain_car"};

// Step sizes 2^i for the domain's exponent range per parameterization (Table 1).
std::map<std::string, std::vector<double>> read_step_sizes(ConfigReader& reader, const std::string& domain) {
  const bool chain = domain == "chain";
  std::map<std::string, std::vector<double>> rates;
  reader.section(domain, [&](ConfigReader& section) {
    for (const std::string parameterization : {"explicit", "implicit"}) {
      const std::vector<double> defaults =
          parameterization == "explicit" ? (chain ? std::vector<double>{-2, 3} : std::vector<double>{2, 7})
                                         : (chain ? std::vector<double>{-8, -3} : std::vector<double>{-3, 2});
      const auto range = section.numbers(parameterization + "_log2_range", defaults);
      if (range.size() != 2 || range[0] > range[1]) {
        throw InputError(section.path_of(parameterization + "_log2_range") + ": expected [low, high] exponents");
      }
      for (double e = range[0]; e <= range[1] + 1e-9; e += 1.0) rates[parameterization].push_back(std::pow(2.0, e));
    }
  });
  return rates;
}

// By default the study covers the sweep's one-hot domains (Corollary 2's setting).
VarianceStudyOptions read_variance_study(ConfigReader& reader, const std::vector<std::string>& sweep_domains) {
  std::vector<std::string> one_hot_domains;
  for (const auto& domain : sweep_domains) {
    if (domain != "mountain_car") one_hot_domains.push_back(domain);
  }
  VarianceStudyOptions study;
  reader.section("variance_study", [&](ConfigReader& section) {
    study.enabled = section.boolean("enabled", true);
    study.domains = section.choices("domains", one_hot_domains, kDomains);
    study.train_sets = section.choices("train_sets", {"samples", "distinct_states"}, {"samples", "distinct_states"});
    section.section("batch_sizes", [&](ConfigReader& sizes) {
      // The chain has 11 states: with each once, 25 cannot be drawn without replacement.
      for (const auto& domain : kDomains) study.batch_sizes[domain] = sizes.integer(domain, domain == "chain" ? 5 : 25, 1);
    });
    study.variance_draws = section.integer("variance_draws", 2000, 1);
    study.eval_every = section.integer("eval_every", 10, 1);
  });
  return study;
}

}  // namespace

ValueSweepOptions ValueSweepOptions::from_config(ConfigReader& reader) {
  ValueSweepOptions o;
  o.domains = reader.choices("domains", kDomains, kDomains);
  if (o.domains.empty()) throw InputError("domains: expected at least one of \"chain\", \"four_rooms\", \"mountain_car\"");
  o.etas = reader.numbers("etas", {0.8, 0.9, 0.95, 0.975});
  o.reward_offsets = reader.numbers("reward_offsets", {0.0, 0.25, 0.5, 0.75, 1.0});
  o.seeds = reader.integer("seeds", 20, 1);
  o.first_seed = reader.integer("seed", 0, 0);
  o.figure2_eta = reader.number("figure2_eta", 0.95, 0.0, false, 1.0);
  o.threads = reader.integer("threads", 0, 0);
  reader.section("step_sizes", [&](ConfigReader& section) {
    for (const auto& domain : kDomains) o.step_sizes[domain] = read_step_sizes(section, domain);
  });
  o.value_fit = reader.value("value_fit",
                             {{"steps", 300}, {"batch_size", 25}, {"forward", "direct"}, {"measure_variance", false}});
  o.variance_study = read_variance_study(reader, o.domains);
  for (double eta : o.etas) {
    if (!(eta >= 0.0 && eta < 1.0)) throw InputError("etas: expected numbers in [0, 1), got " + std::to_string(eta));
  }
  if (std::find(o.etas.begin(), o.etas.end(), o.figure2_eta) == o.etas.end()) {
    throw InputError("figure2_eta: expected one of etas, got " + std::to_string(o.figure2_eta));
  }
  for (const auto& domain : o.runs_variance_study() ? o.variance_study.domains : std::vector<std::string>{}) {
    if (std::find(o.domains.begin(), o.domains.end(), domain) == o.domains.end()) {
      throw InputError("variance_study.domains: expected domains the sweep runs (its best rates are used), got \"" +
                       domain + "\"");
    }
  }
  return o;
}

int64_t ValueSweepOptions::workers() const {
  return threads > 0 ? threads : std::max<int64_t>(1, std::thread::hardware_concurrency());
}

std::vector<SweepRun> sweep_grid(const ValueSweepOptions& options) {
  std::vector<SweepRun> runs;
  for (const auto& domain : options.domains) {
    const auto& rates = options.step_sizes.at(domain);
    for (double offset : options.reward_offsets) {
      for (int64_t seed = options.first_seed; seed < options.first_seed + options.seeds; ++seed) {
        for (double rate : rates.at("explicit")) {
          runs.push_back({domain, "explicit", std::numeric_limits<double>::quiet_NaN(), offset, rate, seed});
        }
        for (double eta : options.etas) {
          for (double rate : rates.at("implicit")) runs.push_back({domain, "implicit", eta, offset, rate, seed});
        }
      }
    }
  }
  return runs;
}

namespace {
nlohmann::json base_config(const ValueSweepOptions& options, const std::string& domain,
                           const std::string& parameterization, double eta, double rate, double offset, int64_t seed) {
  nlohmann::json config = options.value_fit;
  config.update({{"domain", domain},
                 {"parameterization", parameterization},
                 {"eta", std::isnan(eta) ? options.figure2_eta : eta},
                 {"step_size", rate},
                 {"reward_offset", offset},
                 {"seed", seed},
                 {"eval_every", 0}});
  return config;
}
}  // namespace

nlohmann::json sweep_run_config(const ValueSweepOptions& options, const SweepRun& run) {
  return base_config(options, run.domain, run.parameterization, run.eta, run.step_size, run.reward_offset, run.seed);
}

nlohmann::json variance_run_config(const ValueSweepOptions& options, const VarianceRun& run) {
  nlohmann::json config = base_config(options, run.domain, run.parameterization, options.figure2_eta,
                                      run.step_size, run.reward_offset, run.seed);
  config.update({{"train_set", run.train_set},
                 {"batch_size", options.variance_study.batch_sizes.at(run.domain)},
                 {"measure_variance", true},
                 {"variance_draws", options.variance_study.variance_draws},
                 {"eval_every", options.variance_study.eval_every}});
  return config;
}

void check_sweep_configs(const ValueSweepOptions& options) {
  check_value_fit_config(sweep_run_config(options, sweep_grid(options).front()));
  if (options.runs_variance_study()) {
    check_value_fit_config(variance_run_config(
        options, {options.variance_study.domains.front(), options.variance_study.train_sets.front(), "implicit",
                  options.reward_offsets.front(), 1.0, options.first_seed}));
  }
}

}  // namespace diffctl
