#include "trainers/framework/trainer_executable.h"
#include "trainers/supervised/supervised_trainer.h"

int main(int argc, char** argv) {
  return diffctl::run_trainer_main(
      argc, argv,
      "supervised_train: an image classifier (Dense, NODE, NANODE, HyperNet or ODEtoODE) on clean images,\n"
      "tested on MNIST-C corruptions of the test set.\n"
      "Example: build/bin/supervised_train --config data/configs/supervised_odetoode1.json",
      [](diffctl::ConfigReader& config, torch::Device device) {
        return std::make_unique<diffctl::SupervisedTrainer>(config, device);
      });
}
