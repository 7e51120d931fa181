#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <vector>

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

// A run's metrics.jsonl lines without their timing, time_s.
inline std::vector<nlohmann::json> metrics_without_timing(const std::string& run_dir) {
  std::vector<nlohmann::json> lines;
  std::istringstream text(read_file(run_dir + "/metrics.jsonl"));
  for (std::string line; std::getline(text, line);) {
    auto entry = nlohmann::json::parse(line);
    entry.erase("time_s");
    lines.push_back(entry);
  }
  return lines;
}

// Starts `command` (which writes its run to `run_dir`) in the background and kills it with
// SIGKILL as soon as a checkpoint exists in `checkpoint_dir` (the run directory, or that of
// a run nested in it). False if no checkpoint appeared within a minute or the run finished
// before it could be killed.
inline bool kill_after_first_checkpoint(const std::string& command, const std::string& run_dir,
                                        std::string checkpoint_dir = "") {
  if (checkpoint_dir.empty()) checkpoint_dir = run_dir;
  const std::string pid_file = run_dir + ".pid";
  if (std::system((command + " >/dev/null 2>&1 & echo $! > " + pid_file).c_str()) != 0) return false;
  const pid_t pid = std::stoi(read_file(pid_file));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!std::filesystem::exists(checkpoint_dir + "/checkpoint.pt") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(pid, SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return std::filesystem::exists(checkpoint_dir + "/checkpoint.pt") && !std::filesystem::exists(run_dir + "/summary.json");
}

// A fresh, empty scratch directory path (not created).
inline std::string scratch_dir(const std::string& name) {
  const auto path = std::filesystem::temp_directory_path() / ("diffctl_test_" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path.parent_path());
  return path.string();
}

}  // namespace diffctl::testing
