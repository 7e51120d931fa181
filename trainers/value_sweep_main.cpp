// The sweep of implicit-value-estimators.md (Figures 2 and 3): value_fit over domains ×
// {explicit, implicit} × η × reward offsets × learning rates × seeds, run in parallel on all
// cores (one run per worker thread, one intra-op thread each). The explicit
// parameterization does not depend on η and runs once per (domain, offset, rate, seed).
//   runs.csv     one row per run (final residual and its split, diverged)
//   figure2.csv  domain, parameterization, reward_offset: mean ± sd of the final residual at
//                the best learning rate (lowest mean over all offsets and seeds; η = figure2_eta
//                for implicit)
//   figure3.csv  implicit: domain, eta, reward_offset: mean ± sd at the best rate for that η
//   summary.json per domain, how much the final residual grows from the smallest to the
//                largest offset under each parameterization
// scripts/plot_runs.py turns figure2.csv/figure3.csv into figure2.png and figure3.png.

#include "src/config/config_reader.h"
#include "src/device.h"
#include "src/error.h"
#include "src/io/atomic_file.h"
#include "trainers/run_setup.h"
#include "trainers/value_fit_trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <dlfcn.h>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

namespace {

namespace fs = std::filesystem;
using diffctl::InputError;

struct Run {
  std::string domain;
  std::string parameterization;
  double eta;  // NaN for explicit (independent of η)
  double reward_offset;
  double learning_rate;
  int64_t seed;
  nlohmann::json summary;
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

double final_residual(const Run& run) {
  const auto& value = run.summary["final_residual_norm"];
  return value.is_number() ? value.get<double>() : std::numeric_limits<double>::infinity();
}

std::string number_text(double value) {
  if (std::isnan(value)) return "";
  if (std::isinf(value)) return "inf";
  std::ostringstream text;
  text.precision(10);
  text << value;
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  return diffctl::run_executable(
      argc, argv,
      "value_sweep: implicit vs explicit value fitting over domains, eta, reward offsets,\n"
      "learning rates and seeds, in parallel (Figures 2 and 3). Example:\n"
      "  build/bin/value_sweep --config data/configs/value_sweep.json",
      [&](const diffctl::RunOptions& options) {
    if (options.resume) throw InputError("--resume: value_sweep reruns from scratch; use a new --out");
    diffctl::parse_device(options.device);
    if (options.device != "cpu") throw InputError("--device: value_sweep runs on the CPU, got " + options.device);
    diffctl::ConfigReader reader(diffctl::load_run_config(options));
    const auto domains =
        reader.choices("domains", {"chain", "four_rooms", "mountain_car"}, {"chain", "four_rooms", "mountain_car"});
    const auto etas = number_list(reader, "etas", {0.8, 0.9, 0.95, 0.975});
    const auto offsets = number_list(reader, "reward_offsets", {0.0, 0.25, 0.5, 0.75, 1.0});
    const int64_t seeds = reader.integer("seeds", 20, 1);
    const int64_t first_seed = reader.integer("seed", 0, 0);
    const double figure2_eta = reader.number("figure2_eta", 0.95, 0.0, false, 1.0);
    const int64_t threads = reader.integer("threads", 0, 0);
    std::map<std::string, std::map<std::string, std::vector<double>>> rates;
    reader.section("learning_rates", [&](diffctl::ConfigReader& section) {
      for (const auto& domain : {"chain", "four_rooms", "mountain_car"}) rates[domain] = read_learning_rates(section, domain);
    });
    const nlohmann::json run_settings = reader.value(
        "value_fit", {{"steps", 300}, {"batch_size", 25}, {"forward", "direct"}, {"measure_variance", false}});
    reader.finish();
    for (double eta : etas) {
      if (!(eta >= 0.0 && eta < 1.0)) throw InputError("etas: expected numbers in [0, 1), got " + std::to_string(eta));
    }
    if (std::find(etas.begin(), etas.end(), figure2_eta) == etas.end()) {
      throw InputError("figure2_eta: expected one of etas, got " + std::to_string(figure2_eta));
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
    // Every run's config is checked before any work starts.
    auto run_config = [&](const Run& run) {
      nlohmann::json config = run_settings;
      config.update({{"domain", run.domain},
                     {"parameterization", run.parameterization},
                     {"eta", std::isnan(run.eta) ? figure2_eta : run.eta},
                     {"learning_rate", run.learning_rate},
                     {"reward_offset", run.reward_offset},
                     {"seed", run.seed},
                     {"eval_every", 0}});
      return config;
    };
    {
      diffctl::ConfigReader check(run_config(runs.front()), "value_fit");
      diffctl::ValueFitTrainer trainer(check, torch::kCPU);
      check.finish();
    }

    const std::string run_dir = diffctl::choose_run_directory(options);
    diffctl::require_fresh_run_directory(run_dir);
    nlohmann::json resolved = reader.resolved();
    diffctl::open_run_directory(run_dir, resolved, false);
    const fs::path scratch = fs::path(run_dir) / "scratch";

    torch::set_num_threads(1);
    // OpenBLAS (Debian's fast BLAS alternative) keeps threads of its own: one per worker here.
    if (auto set_threads = reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
      set_threads(1);
    }
    const int64_t workers = threads > 0 ? threads : std::max<int64_t>(1, std::thread::hardware_concurrency());
    std::atomic<size_t> next{0};
    std::atomic<size_t> done{0};
    std::mutex failure_mutex;
    std::string failure;
    const auto start = std::chrono::steady_clock::now();
    auto work = [&] {
      for (size_t i = next++; i < runs.size(); i = next++) {
        try {
          diffctl::ConfigReader config(run_config(runs[i]), "value_fit");
          diffctl::ValueFitTrainer trainer(config, torch::kCPU);
          config.finish();
          trainer.prepare();
          const fs::path directory = scratch / std::to_string(i);
          fs::create_directories(directory);
          runs[i].summary = trainer.run(directory.string(), false, true);
          fs::remove_all(directory);
        } catch (const std::exception& error) {
          std::lock_guard<std::mutex> lock(failure_mutex);
          if (failure.empty()) failure = error.what();
          next = runs.size();
        }
        const size_t finished = ++done;
        if (!options.quiet && finished % 200 == 0) {
          std::cerr << "\rvalue_sweep: " << finished << "/" << runs.size() << " runs" << std::flush;
        }
      }
    };
    std::vector<std::thread> pool;
    for (int64_t t = 0; t < workers; ++t) pool.emplace_back(work);
    for (auto& thread : pool) thread.join();
    if (!options.quiet) std::cerr << "\n";
    fs::remove_all(scratch);
    if (!failure.empty()) throw diffctl::Error("a run failed: " + failure);
    const double wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::ostringstream runs_csv;
    runs_csv << "domain,parameterization,eta,reward_offset,learning_rate,seed,initial_residual_norm,"
                "final_residual_norm,residual_ones_norm,residual_ortho_norm,diverged\n";
    for (const Run& run : runs) {
      auto field = [&](const char* key) {
        const auto& value = run.summary[key];
        return value.is_number() ? number_text(value.get<double>()) : std::string("");
      };
      runs_csv << run.domain << ',' << run.parameterization << ',' << number_text(run.eta) << ','
               << number_text(run.reward_offset) << ',' << number_text(run.learning_rate) << ',' << run.seed << ','
               << field("initial_residual_norm") << ',' << field("final_residual_norm") << ','
               << field("residual_ones_norm") << ',' << field("residual_ortho_norm") << ','
               << (run.summary["diverged"].get<bool>() ? "true" : "false") << '\n';
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

    std::ostringstream figure2;
    std::ostringstream figure3;
    figure2 << "domain,parameterization,reward_offset,learning_rate,mean,sd,seeds\n";
    figure3 << "domain,eta,reward_offset,learning_rate,mean,sd,seeds\n";
    nlohmann::json summary;
    for (const auto& domain : domains) {
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
        summary[prefix + "_residual_at_min_offset"] = means.front();
        summary[prefix + "_residual_at_max_offset"] = means.back();
        summary[prefix + "_residual_growth"] = means.back() - means.front();
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
    summary["workers"] = workers;
    summary["wall_time_s"] = wall_time_s;
    diffctl::write_text_atomically((fs::path(run_dir) / "runs.csv").string(), runs_csv.str());
    diffctl::write_text_atomically((fs::path(run_dir) / "figure2.csv").string(), figure2.str());
    diffctl::write_text_atomically((fs::path(run_dir) / "figure3.csv").string(), figure3.str());
    diffctl::write_text_atomically((fs::path(run_dir) / "summary.json").string(), summary.dump(2) + "\n");
    std::cout << "run directory: " << run_dir << "\n" << summary.dump(2) << std::endl;
  });
}
