#include "trainers/framework/trainer_executable.h"
#include "trainers/value/value_fit_trainer.h"

int main(int argc, char** argv) {
  return diffctl::run_trainer_main(
      argc, argv,
      "value_fit: SGD on linear values, explicit weights or an implicit Markov reward chain.\n"
      "Example: build/bin/value_fit --config data/configs/value_chain.json",
      [](diffctl::ConfigReader& config, torch::Device device) {
        return std::make_unique<diffctl::ValueFitTrainer>(config, device);
      });
}
