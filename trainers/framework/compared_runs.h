#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace diffctl {

class ConfigReader;

// The runs of a comparison (es_compare, supervised_compare): `runs` {name: trainer keys},
// each over `common`'s keys, trained from seeds `seed`, …, `seed` + `seeds` − 1, each seed
// in its own run directory <name>-seed<s>/. `trainer` names the trainer's executable in
// messages ("es_train").
struct ComparedRuns {
  int64_t seeds = 3, first_seed = 0;
  std::vector<std::string> names;
  std::vector<nlohmann::json> configs;  // common merged with each run's keys, without a seed

  static ComparedRuns from_config(ConfigReader& config, const std::string& trainer);

  std::string directory(size_t run, int64_t seed) const { return names[run] + "-seed" + std::to_string(seed); }
  nlohmann::json config(size_t run, int64_t seed) const {
    nlohmann::json seeded = configs[run];
    seeded["seed"] = seed;
    return seeded;
  }
};

}  // namespace diffctl
