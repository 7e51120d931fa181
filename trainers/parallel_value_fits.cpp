#include "trainers/parallel_value_fits.h"

#include "src/config/config_reader.h"
#include "src/error.h"
#include "trainers/value_fit_trainer.h"

#include <torch/torch.h>

#include <atomic>
#include <dlfcn.h>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

namespace diffctl {

void check_value_fit_config(const nlohmann::json& config) {
  ConfigReader reader(config, "value_fit");
  ValueFitTrainer trainer(reader, torch::kCPU);
  reader.finish();
}

std::vector<nlohmann::json> run_value_fits_in_parallel(const std::vector<nlohmann::json>& configs, int64_t workers,
                                                       const std::string& scratch, bool progress) {
  namespace fs = std::filesystem;
  torch::set_num_threads(1);
  // OpenBLAS (Debian's fast BLAS alternative) keeps threads of its own: one per worker here.
  if (auto set_threads = reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    set_threads(1);
  }
  std::vector<nlohmann::json> summaries(configs.size());
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  std::mutex failure_mutex;
  std::string failure;
  auto work = [&] {
    for (size_t i = next++; i < configs.size(); i = next++) {
      try {
        ConfigReader config(configs[i], "value_fit");
        ValueFitTrainer trainer(config, torch::kCPU);
        config.finish();
        trainer.prepare();
        const fs::path directory = fs::path(scratch) / std::to_string(i);
        fs::create_directories(directory);
        summaries[i] = trainer.run(directory.string(), false, true);
        fs::remove_all(directory);
      } catch (const std::exception& error) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (failure.empty()) failure = error.what();
        next = configs.size();
      }
      const size_t finished = ++done;
      if (progress && finished % 200 == 0) std::cerr << "\r" << finished << "/" << configs.size() << " runs" << std::flush;
    }
  };
  std::vector<std::thread> pool;
  for (int64_t t = 0; t < std::max<int64_t>(1, workers); ++t) pool.emplace_back(work);
  for (auto& thread : pool) thread.join();
  if (progress) std::cerr << "\n";
  fs::remove_all(scratch);
  if (!failure.empty()) throw Error("a run failed: " + failure);
  return summaries;
}

}  // namespace diffctl
