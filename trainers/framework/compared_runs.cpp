#include "trainers/framework/compared_runs.h"

#include "src/config/config_reader.h"
#include "src/error.h"

namespace diffctl {

ComparedRuns ComparedRuns::from_config(ConfigReader& config, const std::string& trainer) {
  ComparedRuns compared;
  compared.seeds = config.integer("seeds", 3, 1, 1000);
  compared.first_seed = config.integer("seed", 0, 0);
  const nlohmann::json common = config.value("common", nlohmann::json::object());
  const nlohmann::json runs = config.value("runs", nlohmann::json::object());
  if (!common.is_object()) throw InputError("common: expected an object of " + trainer + " keys");
  if (!runs.is_object() || runs.empty()) {
    throw InputError("runs: expected an object {name: {" + trainer + " keys}, ...} with at least one run");
  }
  for (const auto& run : runs.items()) {
    if (!run.value().is_object()) throw InputError("runs." + run.key() + ": expected an object of " + trainer + " keys");
    nlohmann::json merged = common;
    merged.update(run.value());
    if (merged.contains("seed")) throw InputError("runs." + run.key() + ": the seeds come from seed and seeds");
    compared.names.push_back(run.key());
    compared.configs.push_back(merged);
  }
  return compared;
}

}  // namespace diffctl
