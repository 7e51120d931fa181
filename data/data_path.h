#pragma once

#include <string>

namespace diffctl {

// Locates a shipped data file (e.g. "lqr_instances/dean.json") under ./data, then
// $DIFFCTL_DATA_DIR, then the data/ folder of the checkout diffctl was built from.
// Returns an empty string when none has it.
std::string find_data_file(const std::string& relative_path);

}  // namespace diffctl
