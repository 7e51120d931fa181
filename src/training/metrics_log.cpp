#include "src/training/metrics_log.h"

#include "src/error.h"
#include "src/io/atomic_file.h"

#include <sstream>

namespace diffctl {

MetricsLog::MetricsLog(const std::string& path, int64_t keep_through_step) {
  if (keep_through_step >= 0) {
    std::ifstream old_log(path);
    std::ostringstream kept;
    std::string line;
    while (std::getline(old_log, line)) {
      const auto entry = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (entry.is_object() && entry.value("step", int64_t{-1}) <= keep_through_step) {
        kept << line << '\n';
      }
    }
    write_text_atomically(path, kept.str());
  }
  file_.open(path, keep_through_step >= 0 ? std::ios::app : std::ios::trunc);
  if (!file_) throw Error(path + ": cannot open the metrics log for writing");
}

void MetricsLog::write(int64_t step, double time_s, const nlohmann::json& metrics) {
  nlohmann::json line = {{"step", step}, {"time_s", time_s}};
  line.update(metrics);
  file_ << line.dump() << '\n';
  file_.flush();
}

}  // namespace diffctl
