#pragma once

#include "src/config/config_reader.h"
#include "trainers/es/es_trainer.h"
#include "trainers/framework/run_sink.h"

#include <nlohmann/json.hpp>

namespace diffctl::bench {

// es_train's loop on `config` (es_train keys), run in memory: its summary.
inline nlohmann::json train_es_in_memory(const nlohmann::json& config) {
  ConfigReader reader(config);
  EsTrainer trainer(reader, torch::kCPU);
  reader.finish();
  trainer.prepare();
  MemorySink sink;
  return trainer.run(sink, /*resume=*/false, /*quiet=*/true);
}

}  // namespace diffctl::bench
