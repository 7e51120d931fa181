#include "trainers/fopg/fopg_trainer.h"
#include "trainers/framework/trainer_executable.h"

int main(int argc, char** argv) {
  return diffctl::run_trainer_main(
      argc, argv,
      "fopg: model-based first-order policy gradient through contact (Algorithm 1 of \"Model-Based\n"
      "First-Order Policy Gradient for Contact Dynamics\") on the cart-pole with soft walls: learn an LCS model,\n"
      "differentiate model rollouts through the smoothed LCP, execute on the real system.\n"
      "Example: build/bin/fopg --config data/configs/fopg_cartpole_linear.json",
      [](diffctl::ConfigReader& config, torch::Device device) {
        return std::make_unique<diffctl::FopgTrainer>(config, device);
      });
}
