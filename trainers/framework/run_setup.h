#pragma once

#include "src/cli/run_options.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace diffctl {

// The pieces of a trainer executable's main, shared by the trainer mains and the
// experiment runners.

// The config a run starts from: --config (or, with --resume and no --config, the run
// directory's config.json), then --set overrides, then --seed.
nlohmann::json load_run_config(const RunOptions& options);

// --out, or runs/<config file stem>-<local time>.
std::string choose_run_directory(const RunOptions& options);

// Throws InputError unless `run_dir` is absent or an empty directory.
void require_fresh_run_directory(const std::string& run_dir);

// With --resume the directory must exist and `resolved_config` must equal its
// config.json; otherwise it must not exist or be empty, and is created with config.json.
void open_run_directory(const std::string& run_dir, const nlohmann::json& resolved_config,
                        bool resume);

// Runs `body`, turning errors into one line on stderr and the exit code: 2 for bad input
// (InputError), 1 for any other failure.
int exit_code_of(const std::string& program, const std::function<void()>& body);

// The preamble every executable shares: parses the command line (after --help, exits 0
// without calling `body`), then runs `body` under exit_code_of with the program's name.
int run_executable(int argc, const char* const* argv, const std::string& description,
                   const std::function<void(const RunOptions&)>& body);

}  // namespace diffctl
