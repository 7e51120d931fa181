#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace diffctl {

// The command line every trainer executable shares (DESIGN.md):
//   <trainer> --config FILE [--set key.path=value ...] [--out DIR] [--device cpu|cuda]
//             [--seed N] [--resume] [--quiet] [--help]
struct RunOptions {
  std::string config_path;
  std::vector<std::string> overrides;
  std::string out_dir;
  std::string device = "cpu";
  std::optional<uint64_t> seed;
  bool resume = false;
  bool quiet = false;
};

// Returns nullopt after printing --help; throws InputError on a malformed command line.
std::optional<RunOptions> parse_run_options(int argc, const char* const* argv,
                                            const std::string& description);

}  // namespace diffctl
