#include "data/data_path.h"

#include <cstdlib>
#include <filesystem>

namespace diffctl {

std::string find_data_file(const std::string& relative_path) {
  std::vector<std::filesystem::path> roots{"data"};
  if (const char* env = std::getenv("DIFFCTL_DATA_DIR")) roots.emplace_back(env);
  roots.emplace_back(DIFFCTL_DEFAULT_DATA_DIR);
  for (const auto& root : roots) {
    const auto candidate = root / relative_path;
    if (std::filesystem::is_regular_file(candidate)) return candidate.string();
  }
  return "";
}

}  // namespace diffctl
