#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace diffctl {

// Parses a JSON config file; a missing, unreadable or malformed file is an InputError
// naming the file and the parser's position.
nlohmann::json load_config_file(const std::string& path);

// Applies one `--set key.path=value` override as a JSON merge patch at that path. The
// value is parsed as JSON when it is valid JSON (numbers, booleans, arrays, objects,
// quoted strings) and taken as a plain string otherwise.
void apply_override(nlohmann::json& config, const std::string& assignment);

void apply_overrides(nlohmann::json& config, const std::vector<std::string>& assignments);

}  // namespace diffctl
