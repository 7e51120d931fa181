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
      auto entry = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (entry.is_object() && entry.value("step", int64_t{-1}) <= keep_through_step) {
        kept << line << '\n';
        kept_lines_.push_back(std::move(entry));
      }
    }
    write_text_atomically(path, kept.str());
  }
  file_.open(path, keep_through_step >= 0 ? std::ios::app : std::ios::trunc);
  if (!file_) throw Error(path + ": cannot open the metrics log for writing");
}

void MetricsLog::write(const nlohmann::json& line) {
  file_ << line.dump() << '\n';
  file_.flush();
}

}  // namespace diffctl
