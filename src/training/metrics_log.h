#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace diffctl {

// metrics.jsonl: one JSON object per logged step, {"step":..,"time_s":..,<metric>:..},
// flushed line by line so a killed run leaves only whole lines behind.
class MetricsLog {
 public:
  // Opens `path`; with `keep_through_step` >= 0 (a resumed run) the lines of steps after
  // that one are dropped first, so a resumed run's log equals an uninterrupted one's.
  MetricsLog(const std::string& path, int64_t keep_through_step);

  void write(const nlohmann::json& line);
  // The lines a resumed run kept.
  const std::vector<nlohmann::json>& kept_lines() const { return kept_lines_; }

 private:
  std::ofstream file_;
  std::vector<nlohmann::json> kept_lines_;
};

}  // namespace diffctl
