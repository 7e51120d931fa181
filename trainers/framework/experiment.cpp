#include "trainers/framework/experiment.h"

#include "src/config/config_reader.h"
#include "src/device.h"
#include "src/error.h"
#include "trainers/framework/run_setup.h"

#include <filesystem>
#include <iostream>

namespace diffctl {

int run_experiment_main(int argc, const char* const* argv, const std::string& description,
                        const ExperimentFactory& make_experiment) {
  const std::string program = std::filesystem::path(argv[0]).filename().string();
  return run_executable(argc, argv, description, [&](const RunOptions& options) {
    const torch::Device device = parse_device(options.device);
    ConfigReader config(load_run_config(options));
    const auto experiment = make_experiment(config, device);
    config.finish();
    if (options.resume && !experiment->resumable()) {
      throw InputError("--resume: " + program + " keeps no checkpoints; run it again with a new --out");
    }
    const std::string run_dir = choose_run_directory(options);
    // Fail on an unusable --out before the (possibly long) preparation.
    if (!options.resume) require_fresh_run_directory(run_dir);
    experiment->prepare();
    open_run_directory(run_dir, experiment->resolved_config(config.resolved()), options.resume);
    DirectorySink sink(run_dir);
    nlohmann::json summary;
    try {
      summary = experiment->run(sink, options.resume, options.quiet);
    } catch (const CheckpointError&) {
      throw;
    } catch (const InputError& error) {
      // The input was validated above: what the library rejects now (a diverged fit's
      // non-finite matrices, say) is the run's failure, not the user's input.
      throw Error(error.what());
    }
    sink.write_summary(summary);
    std::cout << "run directory: " << run_dir << "\n" << summary.dump(2) << std::endl;
  });
}

}  // namespace diffctl
