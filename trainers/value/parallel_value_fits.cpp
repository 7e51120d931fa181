#include "trainers/value/parallel_value_fits.h"

#include "src/config/config_reader.h"
#include "src/parallel/parallel_for.h"
#include "trainers/framework/run_sink.h"
#include "trainers/value/value_fit_trainer.h"

#include <atomic>
#include <iostream>

namespace diffctl {

void check_value_fit_config(const nlohmann::json& config) {
  ConfigReader reader(config, "value_fit");
  ValueFitTrainer trainer(reader, torch::kCPU);
  reader.finish();
}

std::vector<nlohmann::json> run_value_fits_in_parallel(const std::vector<nlohmann::json>& configs, int64_t workers,
                                                       bool progress) {
  set_compute_threads(1);
  std::vector<nlohmann::json> summaries(configs.size());
  std::atomic<size_t> done{0};
  parallel_for(static_cast<int64_t>(configs.size()), workers, [&](int64_t i, int64_t) {
    ConfigReader config(configs[i], "value_fit");
    ValueFitTrainer trainer(config, torch::kCPU);
    config.finish();
    trainer.prepare();
    MemorySink sink;
    summaries[i] = trainer.run(sink, /*resume=*/false, /*quiet=*/true);
    const size_t finished = ++done;
    if (progress && finished % 200 == 0) std::cerr << "\r" << finished << "/" << configs.size() << " runs" << std::flush;
  });
  if (progress) std::cerr << "\n";
  return summaries;
}

}  // namespace diffctl
