#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace diffctl::testing {

struct CommandResult {
  int exit_code;
  std::string out;
  std::string err;
};

inline std::string read_file(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// Runs `command` through the shell from the source tree, capturing stdout and stderr.
inline CommandResult run_command(const std::string& command) {
  const auto scratch = std::filesystem::temp_directory_path() /
                       ("diffctl_cmd_" + std::to_string(::getpid()) + "_" + std::to_string(std::rand()));
  const std::string out = scratch.string() + ".out", err = scratch.string() + ".err";
  const int status = std::system((command + " >" + out + " 2>" + err).c_str());
  CommandResult result{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out), read_file(err)};
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return result;
}

inline std::string executable(const std::string& name) { return std::string(DIFFCTL_BIN_DIR) + "/" + name; }

inline nlohmann::json read_json(const std::string& path) { return nlohmann::json::parse(read_file(path)); }

// A run's summary.json without its one timing-dependent figure, wall_time_s.
inline nlohmann::json summary_without_timing(const std::string& run_dir) {
  auto summary = read_json(run_dir + "/summary.json");
  summary.erase("wall_time_s");
  return summary;
}

// A fresh, empty scratch directory path (not created).
inline std::string scratch_dir(const std::string& name) {
  const auto path = std::filesystem::temp_directory_path() / ("diffctl_test_" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path.parent_path());
  return path.string();
}

}  // namespace diffctl::testing
