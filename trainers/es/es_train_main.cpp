#include "trainers/es/es_trainer.h"
#include "trainers/framework/trainer_executable.h"

int main(int argc, char** argv) {
  return diffctl::run_trainer_main(
      argc, argv,
      "es_train: evolution strategies (antithetic, Riemannian updates) on a policy in an environment.\n"
      "Example: build/bin/es_train --config data/configs/es_swimmer_iso_odetoode.json",
      [](diffctl::ConfigReader& config, torch::Device device) {
        return std::make_unique<diffctl::EsTrainer>(config, device);
      });
}
