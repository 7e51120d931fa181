#pragma once

#include "trainers/framework/run_sink.h"

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include <functional>
#include <memory>
#include <string>

namespace diffctl {

class ConfigReader;

// What an executable runs: a trainer, a comparison of trainers, a sweep or an example.
// Its factory reads its config keys; the lifecycle below does everything else.
class Experiment {
 public:
  virtual ~Experiment() = default;
  // Everything that can still reject the input (sampling, initial gains, annealing,
  // checking every run's config), done before any run directory exists.
  virtual void prepare() {}
  // The config recorded in config.json (by default every key the factory read, defaults
  // filled in).
  virtual nlohmann::json resolved_config(const nlohmann::json& read) const { return read; }
  // Runs into `sink` (its directory exists with config.json) and returns the summary,
  // which the lifecycle writes.
  virtual nlohmann::json run(RunSink& sink, bool resume, bool quiet) = 0;
  // False: --resume is rejected (the experiment keeps no checkpoints).
  virtual bool resumable() const { return true; }
};

using ExperimentFactory =
    std::function<std::unique_ptr<Experiment>(ConfigReader& config, torch::Device device)>;

// The one run lifecycle of every executable (DESIGN.md "Experiments"): parse the shared
// command line, resolve the config (file, --set, --seed) and let the factory read and
// validate it, reject unknown keys, prepare, and only then create the run directory
// (config.json), run, write summary.json and print it. Bad input exits with 2 and one
// line on stderr before any run directory exists; a failure while running exits with 1,
// an InputError thrown while running included (only an unreadable --resume checkpoint,
// CheckpointError, is still bad input).
int run_experiment_main(int argc, const char* const* argv, const std::string& description,
                        const ExperimentFactory& make_experiment);

}  // namespace diffctl
