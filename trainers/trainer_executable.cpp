#include "trainers/trainer_executable.h"

#include "src/config/config_reader.h"
#include "src/device.h"
#include "trainers/run_setup.h"

#include <iostream>

namespace diffctl {

int run_trainer_main(int argc, const char* const* argv, const std::string& description,
                     const TrainerFactory& make_trainer) {
  return run_executable(argc, argv, description, [&](const RunOptions& options) {
    const torch::Device device = parse_device(options.device);
    ConfigReader config(load_run_config(options));
    const auto trainer = make_trainer(config, device);
    config.finish();
    const std::string run_dir = choose_run_directory(options);
    // Fail on an unusable --out before the (possibly long) preparation.
    if (!options.resume) require_fresh_run_directory(run_dir);
    trainer->prepare();
    open_run_directory(run_dir, config.resolved(), options.resume);
    const auto summary = trainer->run(run_dir, options.resume, options.quiet);
    std::cout << "run directory: " << run_dir << "\n" << summary.dump(2) << std::endl;
  });
}

}  // namespace diffctl
