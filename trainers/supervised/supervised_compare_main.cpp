// Image classifiers compared on corrupted test images (ode-to-ode.md section 5.2, Tables 1
// and 2): every run of `runs` (a supervised_train config: its keys over `common`'s) trains
// from seeds `seed`, …, `seed` + `seeds` − 1 on the data `data` names (the benchmark keys of
// supervised_train, loaded and corrupted once for all runs), each in its own run directory
// <name>-seed<s>/ (metrics, summary, model.pt). `workers` runs train at once, one thread
// each (a run's result does not depend on how many run beside it).
//   table.csv     model,corruption,accuracy_mean,accuracy_sd,seeds: test accuracy in
//                 percent, mean and sd over seeds (n − 1), per model and corruption
//   table.md      the paper's layout: a row per corruption, a column per model, the best
//                 mean of each row in bold
//   summary.json  per model: parameters, clean accuracy, images/s, wall time; per
//                 corruption the best models; per model the corruptions it is best on
// scripts/plot_runs.py draws table.png (heat map, best per corruption marked) from table.csv.
#include "data/images/corrupted_image_benchmark.h"
#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/parallel/parallel_for.h"
#include "src/training/mean_sd.h"
#include "trainers/framework/compared_runs.h"
#include "trainers/framework/experiment.h"
#include "trainers/framework/run_sink.h"
#include "trainers/supervised/supervised_trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <sstream>

namespace {

using diffctl::Corruption;
using diffctl::InputError;
using diffctl::mean_sd;

std::string accuracy_key(Corruption corruption) {
  return corruption == Corruption::identity ? "clean_test_accuracy" : diffctl::to_string(corruption) + "_accuracy";
}

class SupervisedCompare : public diffctl::Experiment {
 public:
  SupervisedCompare(diffctl::ConfigReader& config, torch::Device device)
      : device_(device), runs_(diffctl::ComparedRuns::from_config(config, "supervised_train")) {
    workers_ = config.integer("workers", 1, 1, 64);
    const nlohmann::json data = config.value("data", nlohmann::json::object());
    if (!data.is_object()) throw InputError("data: expected an object of supervised_train's data keys");
    diffctl::ConfigReader data_reader(data, "data");
    data_options_ = diffctl::CorruptedImageBenchmarkOptions::from_config(data_reader);
    data_reader.finish();
    for (size_t i = 0; i < runs_.names.size(); ++i) {
      const std::string path = "runs." + runs_.names[i];
      nlohmann::json& merged = runs_.configs[i];
      for (const char* key : diffctl::CorruptedImageBenchmarkOptions::kConfigKeys) {
        if (merged.contains(key)) throw InputError(path + "." + key + ": every run's data come from data");
      }
      if (workers_ > 1 && merged.value("threads", 0) != 1) {
        throw InputError(path + ".threads: expected 1 with workers > 1 (each worker has one core)");
      }
      merged.update(data);
    }
    // Every run's config is checked now, before any run directory exists.
    for (size_t i = 0; i < runs_.names.size(); ++i) trainer_for(i, runs_.first_seed, nullptr);
  }

  // The data are read (and a missing dataset reported) before any run directory exists.
  void prepare() override { benchmark_ = diffctl::load_corrupted_image_benchmark(data_options_); }

  nlohmann::json run(diffctl::RunSink& sink, bool resume, bool quiet) override {
    const auto start = std::chrono::steady_clock::now();
    struct Job {
      size_t run;
      int64_t seed;
      std::unique_ptr<diffctl::SupervisedTrainer> trainer;
      diffctl::RunSink::Child child;
      nlohmann::json summary;
    };
    std::vector<Job> jobs;
    for (size_t i = 0; i < runs_.names.size(); ++i) {
      for (int64_t seed = runs_.first_seed; seed < runs_.first_seed + runs_.seeds; ++seed) {
        auto child = sink.child(runs_.directory(i, seed), runs_.config(i, seed), resume);
        jobs.push_back({i, seed, trainer_for(i, seed, benchmark_), std::move(child), {}});
      }
    }
    if (workers_ > 1) diffctl::set_compute_threads(1);
    std::mutex report;
    diffctl::parallel_for(static_cast<int64_t>(jobs.size()), workers_, [&](int64_t index, int64_t) {
      Job& job = jobs[index];
      if (!quiet) {
        std::lock_guard<std::mutex> lock(report);
        std::cerr << runs_.directory(job.run, job.seed) << (job.child.resumed ? " (resumed)" : "") << ":\n";
      }
      job.trainer->prepare();
      job.summary = job.trainer->run(*job.child.sink, job.child.resumed, quiet || workers_ > 1);
      job.child.sink->write_summary(job.summary);
      job.trainer.reset();
      if (!quiet && workers_ > 1) {
        std::lock_guard<std::mutex> lock(report);
        std::cerr << runs_.directory(job.run, job.seed) << ": done";
        if (job.summary.contains("clean_test_accuracy")) {
          std::cerr << ", clean test accuracy " << job.summary["clean_test_accuracy"].get<double>();
        }
        std::cerr << '\n';
      }
    });

    std::vector<std::vector<diffctl::MeanSd>> accuracy(runs_.names.size());  // [run][corruption], percent
    nlohmann::json summary = {{"models", runs_.names}, {"seeds", runs_.seeds}};
    for (size_t i = 0; i < runs_.names.size(); ++i) {
      std::vector<std::vector<double>> values(data_options_.corruptions.size());
      std::vector<double> speeds, times;
      int64_t parameters = 0;
      for (const Job& job : jobs) {
        if (job.run != i) continue;
        for (size_t c = 0; c < values.size(); ++c) {
          values[c].push_back(100.0 * job.summary.at(accuracy_key(data_options_.corruptions[c])).get<double>());
        }
        speeds.push_back(job.summary.at("images_per_s").get<double>());
        times.push_back(job.summary.at("wall_time_s").get<double>());
        parameters = job.summary.at("parameters").get<int64_t>();
      }
      for (const auto& at_corruption : values) accuracy[i].push_back(mean_sd(at_corruption));
      nlohmann::json model = {{"parameters", parameters},
                              {"images_per_s_mean", mean_sd(speeds).mean},
                              {"wall_time_s_mean", mean_sd(times).mean},
                              {"best_on", nlohmann::json::array()}};
      for (size_t c = 0; c < values.size(); ++c) {
        model[accuracy_key(data_options_.corruptions[c]) + "_mean"] = accuracy[i][c].mean;
        model[accuracy_key(data_options_.corruptions[c]) + "_sd"] = accuracy[i][c].sd;
      }
      summary[runs_.names[i]] = model;
    }
    nlohmann::json best = nlohmann::json::object();
    for (size_t c = 0; c < data_options_.corruptions.size(); ++c) {
      const std::string corruption = diffctl::to_string(data_options_.corruptions[c]);
      for (size_t i : best_runs(accuracy, c)) {
        best[corruption].push_back(runs_.names[i]);
        summary[runs_.names[i]]["best_on"].push_back(corruption);
      }
    }
    summary["best"] = best;
    summary["wall_time_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    sink.write_text("table.csv", table_csv(accuracy));
    sink.write_text("table.md", table_markdown(accuracy));
    return summary;
  }

 private:
  std::unique_ptr<diffctl::SupervisedTrainer> trainer_for(
      size_t index, int64_t seed, std::shared_ptr<const diffctl::CorruptedImageBenchmark> benchmark) const {
    diffctl::ConfigReader reader(runs_.config(index, seed), "runs." + runs_.names[index]);
    auto trainer = std::make_unique<diffctl::SupervisedTrainer>(reader, device_, std::move(benchmark));
    reader.finish();
    return trainer;
  }

  // The runs with the highest mean accuracy on corruption `c` (ties at the table's 0.01 %).
  std::vector<size_t> best_runs(const std::vector<std::vector<diffctl::MeanSd>>& accuracy, size_t c) const {
    double highest = -1.0;
    for (const auto& run : accuracy) highest = std::max(highest, std::round(100.0 * run[c].mean));
    std::vector<size_t> best;
    for (size_t i = 0; i < accuracy.size(); ++i) {
      if (std::round(100.0 * accuracy[i][c].mean) == highest) best.push_back(i);
    }
    return best;
  }

  std::string table_csv(const std::vector<std::vector<diffctl::MeanSd>>& accuracy) const {
    std::ostringstream csv;
    csv << std::fixed << std::setprecision(4) << "model,corruption,accuracy_mean,accuracy_sd,seeds\n";
    for (size_t i = 0; i < runs_.names.size(); ++i) {
      for (size_t c = 0; c < data_options_.corruptions.size(); ++c) {
        csv << runs_.names[i] << ',' << diffctl::to_string(data_options_.corruptions[c]) << ',' << accuracy[i][c].mean << ','
            << accuracy[i][c].sd << ',' << runs_.seeds << '\n';
      }
    }
    return csv.str();
  }

  std::string table_markdown(const std::vector<std::vector<diffctl::MeanSd>>& accuracy) const {
    std::ostringstream md;
    md << std::fixed << std::setprecision(2) << "| corruption |";
    for (const auto& name : runs_.names) md << ' ' << name << " |";
    md << "\n|---|";
    for (size_t i = 0; i < runs_.names.size(); ++i) md << "---|";
    md << '\n';
    for (size_t c = 0; c < data_options_.corruptions.size(); ++c) {
      const auto best = best_runs(accuracy, c);
      md << "| " << diffctl::to_string(data_options_.corruptions[c]) << " |";
      for (size_t i = 0; i < runs_.names.size(); ++i) {
        const bool bold = std::find(best.begin(), best.end(), i) != best.end();
        md << ' ' << (bold ? "**" : "") << accuracy[i][c].mean << " ± " << accuracy[i][c].sd << (bold ? "**" : "")
           << " |";
      }
      md << '\n';
    }
    md << "\nTest accuracy (%), mean ± sd over " << runs_.seeds << " seeds; bold: the best mean of each row.\n";
    return md.str();
  }

  torch::Device device_;
  diffctl::ComparedRuns runs_;
  int64_t workers_ = 1;
  diffctl::CorruptedImageBenchmarkOptions data_options_;
  std::shared_ptr<const diffctl::CorruptedImageBenchmark> benchmark_;
};

}  // namespace

int main(int argc, char** argv) {
  return diffctl::run_experiment_main(
      argc, argv,
      "supervised_compare: image classifiers trained on clean images and tested on every corruption, over seeds\n"
      "(the table of ode-to-ode.md section 5.2).\n"
      "Example: build/bin/supervised_compare --config data/configs/supervised_table1.json",
      [](diffctl::ConfigReader& config, torch::Device device) {
        return std::make_unique<SupervisedCompare>(config, device);
      });
}
