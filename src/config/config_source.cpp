#include "src/config/config_source.h"

#include "src/error.h"

#include <fstream>
#include <sstream>

namespace diffctl {

nlohmann::json load_config_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw InputError("--config " + path + ": cannot open the file");
  std::stringstream text;
  text << file.rdbuf();
  try {
    nlohmann::json config = nlohmann::json::parse(text.str());
    if (!config.is_object()) {
      throw InputError("--config " + path + ": expected a JSON object at the top level");
    }
    return config;
  } catch (const nlohmann::json::parse_error& error) {
    throw InputError("--config " + path + ": not valid JSON (" + error.what() + ")");
  }
}

void apply_override(nlohmann::json& config, const std::string& assignment) {
  const auto equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw InputError("--set " + assignment + ": expected key.path=value");
  }
  const std::string key_path = assignment.substr(0, equals);
  const std::string text = assignment.substr(equals + 1);
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) value = text;

  nlohmann::json patch = value;
  std::vector<std::string> keys;
  for (size_t start = 0;;) {
    const size_t dot = key_path.find('.', start);
    keys.push_back(key_path.substr(start, dot - start));
    if (keys.back().empty()) throw InputError("--set " + assignment + ": empty key in path");
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  for (auto key = keys.rbegin(); key != keys.rend(); ++key) {
    patch = nlohmann::json{{*key, patch}};
  }
  config.merge_patch(patch);  // RFC 7386: objects merge, null restores the default
}

void apply_overrides(nlohmann::json& config, const std::vector<std::string>& assignments) {
  for (const auto& assignment : assignments) apply_override(config, assignment);
}

}  // namespace diffctl
