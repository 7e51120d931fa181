// Policies compared under ES on one task (ode-to-ode.md section 5.1, Figure 2): every run of
// `runs` (an es_train config: its keys over `common`'s) trains from seeds `seed`, …,
// `seed` + `seeds` − 1, each in its own run directory <name>-seed<s>/ (metrics, summary,
// best policy.pt).
//   curves.csv    run,step,env_steps,eval_return_mean,eval_return_sd,seeds: the evaluation
//                 return across seeds at each evaluation step (sd over seeds, n − 1)
//   summary.json  per run: parameters, final and best evaluation return (mean, sd over
//                 seeds), env steps, wall time
// scripts/plot_runs.py draws curves.png (mean ± sd against env steps) from curves.csv.
#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/parallel/communicator.h"
#include "src/training/json_number.h"
#include "src/training/mean_sd.h"
#include "trainers/es/es_trainer.h"
#include "trainers/framework/experiment.h"
#include "trainers/framework/run_sink.h"

#include <chrono>
#include <iostream>
#include <map>
#include <sstream>

namespace {

using diffctl::InputError;
using diffctl::MeanSd;
using diffctl::mean_sd;

class EsCompare : public diffctl::Experiment {
 public:
  EsCompare(diffctl::ConfigReader& config, torch::Device device) : device_(device) {
    seeds_ = config.integer("seeds", 3, 1, 1000);
    first_seed_ = config.integer("seed", 0, 0);
    const nlohmann::json common = config.value("common", nlohmann::json::object());
    const nlohmann::json runs = config.value("runs", nlohmann::json::object());
    if (!common.is_object()) throw InputError("common: expected an object of es_train keys");
    if (!runs.is_object() || runs.empty()) {
      throw InputError("runs: expected an object {name: {es_train keys}, ...} with at least one run");
    }
    for (const auto& run : runs.items()) {
      if (!run.value().is_object()) throw InputError("runs." + run.key() + ": expected an object of es_train keys");
      nlohmann::json merged = common;
      merged.update(run.value());
      if (merged.contains("seed")) throw InputError("runs." + run.key() + ": the seeds come from seed and seeds");
      names_.push_back(run.key());
      configs_.push_back(merged);
    }
    // Every run's config is checked now, before any run directory exists.
    for (size_t i = 0; i < names_.size(); ++i) trainer_for(i, first_seed_);
  }

  nlohmann::json run(diffctl::RunSink& sink, bool resume, bool quiet) override {
    const auto start = std::chrono::steady_clock::now();
    std::ostringstream csv;
    csv.precision(10);
    csv << "run,step,env_steps,eval_return_mean,eval_return_sd,seeds\n";
    nlohmann::json summary = {{"runs", names_}, {"seeds", seeds_}};
    for (size_t i = 0; i < names_.size(); ++i) {
      std::map<int64_t, std::vector<double>> returns, env_steps;  // by evaluation step, over seeds
      std::vector<double> finals, bests, steps_done, times;
      int64_t parameters = 0;
      for (int64_t seed = first_seed_; seed < first_seed_ + seeds_; ++seed) {
        const std::string name = names_[i] + "-seed" + std::to_string(seed);
        auto trainer = trainer_for(i, seed);
        trainer->prepare();
        nlohmann::json config = configs_[i];
        config["seed"] = seed;
        auto child = sink.child(name, config, resume);
        // Under MPI only the root's run directory knows whether this run had started.
        const bool resumed = diffctl::world().broadcast(child.resumed ? "1" : "0") == "1";
        if (!quiet) std::cerr << name << ":\n";
        const nlohmann::json run_summary = trainer->run(*child.sink, resumed, quiet);
        child.sink->write_summary(run_summary);
        for (const auto& line : child.sink->metrics()) {
          const auto found = line.find("eval_return");
          if (found == line.end() || !found->is_number()) continue;
          const int64_t step = line.at("step").get<int64_t>();
          returns[step].push_back(found->get<double>());
          env_steps[step].push_back(line.at("env_steps").get<double>());
        }
        finals.push_back(run_summary.at("final_return").get<double>());
        bests.push_back(run_summary.at("best_return").get<double>());
        steps_done.push_back(run_summary.at("env_steps").get<double>());
        times.push_back(run_summary.value("wall_time_s", 0.0));
        parameters = run_summary.at("parameters").get<int64_t>();
      }
      for (const auto& [step, values] : returns) {
        const MeanSd at_step = mean_sd(values);
        csv << names_[i] << ',' << step << ',' << mean_sd(env_steps[step]).mean << ',' << at_step.mean << ','
            << at_step.sd << ',' << values.size() << '\n';
      }
      const MeanSd final_return = mean_sd(finals), best_return = mean_sd(bests);
      summary[names_[i]] = {{"parameters", parameters},
                            {"final_return_mean", diffctl::finite_or_null(final_return.mean)},
                            {"final_return_sd", diffctl::finite_or_null(final_return.sd)},
                            {"best_return_mean", diffctl::finite_or_null(best_return.mean)},
                            {"best_return_sd", diffctl::finite_or_null(best_return.sd)},
                            {"env_steps", mean_sd(steps_done).mean},
                            {"wall_time_s_mean", mean_sd(times).mean}};
    }
    summary["wall_time_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    sink.write_text("curves.csv", csv.str());
    return summary;
  }

 private:
  std::unique_ptr<diffctl::EsTrainer> trainer_for(size_t index, int64_t seed) const {
    nlohmann::json config = configs_[index];
    config["seed"] = seed;
    diffctl::ConfigReader reader(config, "runs." + names_[index]);
    auto trainer = std::make_unique<diffctl::EsTrainer>(reader, device_);
    reader.finish();
    return trainer;
  }

  torch::Device device_;
  int64_t seeds_ = 3;
  int64_t first_seed_ = 0;
  std::vector<std::string> names_;
  std::vector<nlohmann::json> configs_;
};

}  // namespace

int main(int argc, char** argv) {
  return diffctl::run_experiment_main(
      argc, argv,
      "es_compare: policies compared under evolution strategies on one task, over seeds (learning curves).\n"
      "Example: build/bin/es_compare --config data/configs/es_compare_half_cheetah.json",
      [](diffctl::ConfigReader& config, torch::Device device) { return std::make_unique<EsCompare>(config, device); });
}
