// Policies compared under ES on one task (ode-to-ode.md section 5.1, Figure 2): every run of
// `runs` (an es_train config: its keys over `common`'s) trains from seeds `seed`, …,
// `seed` + `seeds` − 1, each in its own run directory <name>-seed<s>/ (metrics, summary,
// best policy.pt).
//   curves.csv    run,step,env_steps,eval_return_mean,eval_return_sd,seeds: the evaluation
//                 return across seeds at each evaluation step (sd over seeds, n − 1)
//   summary.json  per run: parameters, final and best evaluation return (mean, sd over
//                 seeds), env steps, wall time; `ranking`: the runs by final return mean,
//                 best first
// --resume keeps finished runs and continues the interrupted one from its checkpoint.
// scripts/plot_runs.py draws curves.png (mean ± sd against env steps) from curves.csv.
#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/parallel/communicator.h"
#include "src/training/json_number.h"
#include "src/training/mean_sd.h"
#include "trainers/es/es_trainer.h"
#include "trainers/framework/compared_runs.h"
#include "trainers/framework/experiment.h"
#include "trainers/framework/run_sink.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <limits>
#include <map>
#include <sstream>

namespace {

using diffctl::InputError;
using diffctl::MeanSd;
using diffctl::mean_sd;

class EsCompare : public diffctl::Experiment {
 public:
  EsCompare(diffctl::ConfigReader& config, torch::Device device)
      : device_(device), runs_(diffctl::ComparedRuns::from_config(config, "es_train")) {
    // Every run's config is checked now, before any run directory exists.
    for (size_t i = 0; i < runs_.names.size(); ++i) trainer_for(i, runs_.first_seed);
  }

  nlohmann::json run(diffctl::RunSink& sink, bool resume, bool quiet) override {
    const auto start = std::chrono::steady_clock::now();
    std::ostringstream csv;
    csv.precision(10);
    csv << "run,step,env_steps,eval_return_mean,eval_return_sd,seeds\n";
    nlohmann::json summary = {{"runs", runs_.names}, {"seeds", runs_.seeds}};
    for (size_t i = 0; i < runs_.names.size(); ++i) {
      std::map<int64_t, std::vector<double>> returns, env_steps;  // by evaluation step, over seeds
      std::vector<double> finals, bests, steps_done, times;
      int64_t parameters = 0;
      for (int64_t seed = runs_.first_seed; seed < runs_.first_seed + runs_.seeds; ++seed) {
        const std::string name = runs_.directory(i, seed);
        auto trainer = trainer_for(i, seed);
        trainer->prepare();
        auto child = sink.child(name, runs_.config(i, seed), resume);
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
        csv << runs_.names[i] << ',' << step << ',' << mean_sd(env_steps[step]).mean << ',' << at_step.mean << ','
            << at_step.sd << ',' << values.size() << '\n';
      }
      const MeanSd final_return = mean_sd(finals), best_return = mean_sd(bests);
      summary[runs_.names[i]] = {{"parameters", parameters},
                            {"final_return_mean", diffctl::finite_or_null(final_return.mean)},
                            {"final_return_sd", diffctl::finite_or_null(final_return.sd)},
                            {"best_return_mean", diffctl::finite_or_null(best_return.mean)},
                            {"best_return_sd", diffctl::finite_or_null(best_return.sd)},
                            {"env_steps", mean_sd(steps_done).mean},
                            {"wall_time_s_mean", mean_sd(times).mean}};
    }
    std::vector<std::string> ranking = runs_.names;
    std::stable_sort(ranking.begin(), ranking.end(), [&](const std::string& a, const std::string& b) {
      const auto mean = [&](const std::string& name) {  // a run that diverged ranks last
        const nlohmann::json& value = summary[name]["final_return_mean"];
        return value.is_number() ? value.get<double>() : -std::numeric_limits<double>::infinity();
      };
      return mean(a) > mean(b);
    });
    summary["ranking"] = ranking;
    summary["wall_time_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    sink.write_text("curves.csv", csv.str());
    return summary;
  }

 private:
  std::unique_ptr<diffctl::EsTrainer> trainer_for(size_t index, int64_t seed) const {
    diffctl::ConfigReader reader(runs_.config(index, seed), "runs." + runs_.names[index]);
    auto trainer = std::make_unique<diffctl::EsTrainer>(reader, device_);
    reader.finish();
    return trainer;
  }

  torch::Device device_;
  diffctl::ComparedRuns runs_;
};

}  // namespace

int main(int argc, char** argv) {
  return diffctl::run_experiment_main(
      argc, argv,
      "es_compare: policies compared under evolution strategies on one task, over seeds (learning curves).\n"
      "Example: build/bin/es_compare --config data/configs/es_compare_half_cheetah.json",
      [](diffctl::ConfigReader& config, torch::Device device) { return std::make_unique<EsCompare>(config, device); });
}
