#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace diffctl {

// Runs one value_fit per config on `workers` threads (one intra-op and one OpenBLAS thread
// each, so that runs do not compete for cores), each reporting to memory, and returns their
// summaries in config order. The first failure stops the remaining runs and is rethrown as
// it was (bad input stays an InputError). With `progress`, counts runs on stderr.
std::vector<nlohmann::json> run_value_fits_in_parallel(const std::vector<nlohmann::json>& configs, int64_t workers,
                                                       bool progress);

// Throws the InputError a worker would, before any work starts.
void check_value_fit_config(const nlohmann::json& config);

}  // namespace diffctl
