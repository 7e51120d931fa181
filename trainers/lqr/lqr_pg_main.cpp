#include "trainers/framework/trainer_executable.h"
#include "trainers/lqr/lqr_pg_trainer.h"

int main(int argc, char** argv) {
  return diffctl::run_trainer_main(
      argc, argv,
      "lqr_pg: policy gradient on (domain-randomized) LQR, u = -Kx.\n"
      "Example: build/bin/lqr_pg --config data/configs/lqr_dean.json",
      [](diffctl::ConfigReader& config, torch::Device device) {
        return std::make_unique<diffctl::LqrPgTrainer>(config, device);
      });
}
