#include "trainers/framework/experiment.h"

#include "src/config/config_reader.h"
#include "src/device.h"
#include "src/error.h"
#include "src/parallel/communicator.h"
#include "trainers/framework/run_setup.h"

#include <filesystem>
#include <functional>
#include <iostream>

namespace diffctl {

namespace {

// Runs `check` on the root only (it reads or writes the run directory) and raises its
// InputError on every rank, so that all ranks fail alike, before any of them runs.
void on_root(const Communicator& ranks, const std::function<void()>& check) {
  std::string error;
  if (ranks.is_root()) {
    try {
      check();
    } catch (const InputError& caught) {
      error = caught.what();
    }
  }
  if (ranks.size() > 1) error = ranks.broadcast(error);
  if (!error.empty()) throw InputError(error);
}

}  // namespace

int run_experiment_main(int argc, const char* const* argv, const std::string& description,
                        const ExperimentFactory& make_experiment) {
  const std::string program = std::filesystem::path(argv[0]).filename().string();
  return run_executable(argc, argv, description, [&](const RunOptions& options) {
    const Communicator& ranks = world();
    const torch::Device device = parse_device(options.device);
    ConfigReader config(load_run_config(options));
    const auto experiment = make_experiment(config, device);
    config.finish();
    if (options.resume && !experiment->resumable()) {
      throw InputError("--resume: " + program + " keeps no checkpoints; run it again with a new --out");
    }
    // The root owns the run directory; the other ranks compute alongside and write nothing.
    const std::string run_dir = choose_run_directory(options);
    // Fail on an unusable --out before the (possibly long) preparation.
    if (!options.resume) on_root(ranks, [&] { require_fresh_run_directory(run_dir); });
    experiment->prepare();
    on_root(ranks, [&] { open_run_directory(run_dir, experiment->resolved_config(config.resolved()), options.resume); });
    std::unique_ptr<RunSink> sink;
    if (ranks.is_root()) {
      sink = std::make_unique<DirectorySink>(run_dir);
    } else {
      sink = std::make_unique<ReplicaSink>();
    }
    nlohmann::json summary;
    try {
      summary = experiment->run(*sink, options.resume, options.quiet || !ranks.is_root());
    } catch (const CheckpointError&) {
      throw;
    } catch (const InputError& error) {
      // The input was validated above: what the library rejects now (a diverged fit's
      // non-finite matrices, say) is the run's failure, not the user's input.
      throw Error(error.what());
    }
    if (!ranks.is_root()) return;
    sink->write_summary(summary);
    std::cout << "run directory: " << run_dir << "\n" << summary.dump(2) << std::endl;
  });
}

}  // namespace diffctl
