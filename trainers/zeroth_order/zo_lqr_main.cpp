#include "trainers/framework/trainer_executable.h"
#include "trainers/zeroth_order/zo_lqr_trainer.h"

int main(int argc, char** argv) {
  return diffctl::run_trainer_main(
      argc, argv,
      "zo_lqr: derivative-free (two-point or one-point) policy gradient on LQR, u = -Kx.\n"
      "Example: build/bin/zo_lqr --config data/configs/zo_lqr_malik3.json",
      [](diffctl::ConfigReader& config, torch::Device device) {
        return std::make_unique<diffctl::ZoLqrTrainer>(config, device);
      });
}
