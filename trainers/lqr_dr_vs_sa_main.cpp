// Experiment runner for domain-randomized-lqr-sgd.md, Figure 1: trains the same config in
// several modes (default DR and SA: equal steps, M and trials) with lqr_pg's trainer, one
// run directory per mode below --out, then writes the comparison:
//   comparison.csv  mode,step,cost_p10,cost_p50,cost_p90,k_norm_p10,k_norm_p50,k_norm_p90
//   summary.json    <mode>_final_cost_p10/_p50/_p90, <mode>_k_norm_p10/_p50/_p90, ...
// scripts/plot_runs.py turns comparison.csv into cost_vs_step.png.

#include "src/cli/run_options.h"
#include "src/config/config_reader.h"
#include "src/device.h"
#include "src/error.h"
#include "src/io/atomic_file.h"
#include "trainers/lqr_pg_trainer.h"
#include "trainers/run_setup.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using diffctl::InputError;

// Takes the runner's own key out of the config; the rest is lqr_pg's.
std::vector<std::string> read_modes(nlohmann::json& config) {
  nlohmann::json runner_keys = nlohmann::json::object();
  if (config.contains("modes")) {
    runner_keys["modes"] = config["modes"];
    config.erase("modes");
  }
  diffctl::ConfigReader reader(runner_keys);
  return reader.choices("modes", {"dr", "sa"}, {"dr", "sa", "single"});
}

std::string csv_field(const nlohmann::json& value) {
  if (value.is_number()) {
    std::ostringstream text;
    text.precision(12);
    text << value.get<double>();
    return text.str();
  }
  return "inf";  // an infinite cost is logged as null
}

// The evaluation lines of a mode's metrics.jsonl as CSV rows.
std::string comparison_rows(const std::string& mode, const std::string& metrics_path) {
  std::ifstream metrics(metrics_path);
  std::ostringstream rows;
  std::string line;
  while (std::getline(metrics, line)) {
    const auto entry = nlohmann::json::parse(line, nullptr, false);
    if (!entry.is_object() || !entry.contains("eval_cost_p50")) continue;
    rows << mode << ',' << entry["step"].get<int64_t>();
    for (const char* key : {"eval_cost_p10", "eval_cost_p50", "eval_cost_p90", "k_norm_p10",
                            "k_norm_p50", "k_norm_p90"}) {
      rows << ',' << csv_field(entry[key]);
    }
    rows << '\n';
  }
  return rows.str();
}

}  // namespace

int main(int argc, char** argv) {
  return diffctl::run_executable(
      argc, argv,
      "lqr_dr_vs_sa: DR vs SA minibatch SGD on domain-randomized LQR (trials per mode,\n"
      "percentile bands). Example: build/bin/lqr_dr_vs_sa --config data/configs/cartpole_dr_vs_sa.json",
      [&](const diffctl::RunOptions& options) {
    const torch::Device device = diffctl::parse_device(options.device);
    nlohmann::json config = diffctl::load_run_config(options);
    const auto modes = read_modes(config);

    std::vector<std::unique_ptr<diffctl::LqrPgTrainer>> trainers;
    std::vector<nlohmann::json> mode_configs;
    for (const auto& mode : modes) {
      nlohmann::json mode_config = config;
      mode_config["mode"] = mode;
      diffctl::ConfigReader reader(mode_config);
      trainers.push_back(std::make_unique<diffctl::LqrPgTrainer>(reader, device));
      reader.finish();
      if (trainers.back()->trials() < 2) {
        throw InputError("trials: expected an integer >= 2 (percentiles across trials), got " +
                         std::to_string(trainers.back()->trials()));
      }
      mode_configs.push_back(reader.resolved());
    }
    nlohmann::json resolved = mode_configs.front();
    resolved.erase("mode");
    resolved["modes"] = modes;

    const std::string run_dir = diffctl::choose_run_directory(options);
    if (!options.resume) diffctl::require_fresh_run_directory(run_dir);
    for (auto& trainer : trainers) trainer->prepare();
    diffctl::open_run_directory(run_dir, resolved, options.resume);

    nlohmann::json summary;
    std::string csv = "mode,step,cost_p10,cost_p50,cost_p90,k_norm_p10,k_norm_p50,k_norm_p90\n";
    double wall_time_s = 0.0;
    for (size_t i = 0; i < modes.size(); ++i) {
      const std::string mode_dir = (fs::path(run_dir) / modes[i]).string();
      const bool resume_mode = options.resume && fs::exists(fs::path(mode_dir) / "config.json");
      diffctl::open_run_directory(mode_dir, mode_configs[i], resume_mode);
      if (!options.quiet) std::cerr << "mode " << modes[i] << ":\n";
      const auto mode_summary = trainers[i]->run(mode_dir, resume_mode, options.quiet);
      for (const auto& item : mode_summary.items()) {
        if (item.key().rfind("final_cost", 0) == 0 || item.key().rfind("k_norm", 0) == 0 ||
            item.key() == "unstable_fraction" || item.key() == "optimal_cost_lower_bound") {
          summary[modes[i] + "_" + item.key()] = item.value();
        }
      }
      wall_time_s += mode_summary["wall_time_s"].get<double>();
      csv += comparison_rows(modes[i], (fs::path(mode_dir) / "metrics.jsonl").string());
    }
    summary["modes"] = modes;
    summary["trials"] = trainers.front()->trials();
    summary["steps"] = trainers.front()->steps();
    summary["wall_time_s"] = wall_time_s;
    diffctl::write_text_atomically((fs::path(run_dir) / "comparison.csv").string(), csv);
    diffctl::write_text_atomically((fs::path(run_dir) / "summary.json").string(), summary.dump(2) + "\n");
    std::cout << "run directory: " << run_dir << "\n" << summary.dump(2) << std::endl;
  });
}
