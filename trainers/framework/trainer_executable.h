#pragma once

#include "trainers/framework/experiment.h"
#include "trainers/framework/trainer.h"

#include <torch/types.h>

#include <functional>
#include <memory>
#include <string>

namespace diffctl {

class ConfigReader;

using TrainerFactory =
    std::function<std::unique_ptr<Trainer>(ConfigReader& config, torch::Device device)>;

// A trainer as an Experiment: prepare() and run() are the trainer's.
class TrainerExperiment : public Experiment {
 public:
  explicit TrainerExperiment(std::unique_ptr<Trainer> trainer) : trainer_(std::move(trainer)) {}
  void prepare() override { trainer_->prepare(); }
  nlohmann::json run(RunSink& sink, bool resume, bool quiet) override { return trainer_->run(sink, resume, quiet); }

 private:
  std::unique_ptr<Trainer> trainer_;
};

// The whole main of a trainer executable: run_experiment_main with a TrainerExperiment.
int run_trainer_main(int argc, const char* const* argv, const std::string& description,
                     const TrainerFactory& make_trainer);

}  // namespace diffctl
