#include "trainers/framework/trainer_executable.h"

namespace diffctl {

int run_trainer_main(int argc, const char* const* argv, const std::string& description,
                     const TrainerFactory& make_trainer) {
  return run_experiment_main(argc, argv, description, [&](ConfigReader& config, torch::Device device) {
    return std::make_unique<TrainerExperiment>(make_trainer(config, device));
  });
}

}  // namespace diffctl
