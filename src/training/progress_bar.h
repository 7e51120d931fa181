#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace diffctl {

// One line on stderr, redrawn in place: bar, step/total, rate, ETA, latest metric.
// Silent when disabled (--quiet) or when stderr is not a terminal.
class ProgressBar {
 public:
  ProgressBar(int64_t total_steps, bool enabled);
  ~ProgressBar();

  void update(int64_t step, const std::string& latest_metric);
  void finish();

 private:
  int64_t total_steps_;
  bool enabled_;
  bool drawn_ = false;
  int64_t first_step_ = -1;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace diffctl
