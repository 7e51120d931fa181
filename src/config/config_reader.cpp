#include "src/config/config_reader.h"

#include "src/error.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace diffctl {

std::string describe_json(const nlohmann::json& value) {
  std::string text = value.dump();
  constexpr size_t kMaxLength = 60;
  if (text.size() > kMaxLength) text = text.substr(0, kMaxLength) + "...";
  return text;
}

ConfigReader::ConfigReader(nlohmann::json config, std::string path)
    : config_(std::move(config)), path_(std::move(path)) {
  if (config_.is_null()) config_ = nlohmann::json::object();
  if (!config_.is_object()) {
    throw InputError((path_.empty() ? std::string("config") : path_) +
                     ": expected a JSON object, got " + describe_json(config_));
  }
}

std::string ConfigReader::path_of(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

bool ConfigReader::has(const std::string& key) const { return config_.contains(key); }

nlohmann::json ConfigReader::take_unread() {
  nlohmann::json unread = nlohmann::json::object();
  for (const auto& item : config_.items()) {
    if (read_keys_.insert(item.key()).second) unread[item.key()] = item.value();
  }
  return unread;
}

const nlohmann::json* ConfigReader::find(const std::string& key) {
  read_keys_.insert(key);
  auto it = config_.find(key);
  return it == config_.end() ? nullptr : &*it;
}

double ConfigReader::number(const std::string& key, double default_value, double min,
                            bool min_exclusive, double max) {
  const nlohmann::json* found = find(key);
  double value = default_value;
  std::ostringstream expected;
  expected << "a number";
  if (std::isfinite(min)) expected << (min_exclusive ? " > " : " >= ") << min;
  if (std::isfinite(max)) expected << " and <= " << max;
  if (found) {
    if (!found->is_number()) {
      throw InputError(path_of(key) + ": expected " + expected.str() + ", got " +
                       describe_json(*found));
    }
    value = found->get<double>();
  }
  const bool below = min_exclusive ? !(value > min) : !(value >= min);
  if (below || !(value <= max)) {
    throw InputError(path_of(key) + ": expected " + expected.str() + ", got " +
                     describe_json(value));
  }
  resolved_[key] = value;
  return value;
}

int64_t ConfigReader::integer(const std::string& key, int64_t default_value, int64_t min,
                              int64_t max) {
  const nlohmann::json* found = find(key);
  int64_t value = default_value;
  std::ostringstream expected;
  expected << "an integer";
  if (min != std::numeric_limits<int64_t>::min()) expected << " >= " << min;
  if (max != std::numeric_limits<int64_t>::max()) expected << " and <= " << max;
  if (found) {
    const bool integral_float = found->is_number_float() &&
                                std::floor(found->get<double>()) == found->get<double>() &&
                                std::abs(found->get<double>()) < 9e15;
    if (!found->is_number_integer() && !integral_float) {
      throw InputError(path_of(key) + ": expected " + expected.str() + ", got " +
                       describe_json(*found));
    }
    value = integral_float ? static_cast<int64_t>(found->get<double>()) : found->get<int64_t>();
  }
  if (value < min || value > max) {
    throw InputError(path_of(key) + ": expected " + expected.str() + ", got " +
                     std::to_string(value));
  }
  resolved_[key] = value;
  return value;
}

bool ConfigReader::boolean(const std::string& key, bool default_value) {
  const nlohmann::json* found = find(key);
  bool value = default_value;
  if (found) {
    if (!found->is_boolean()) {
      throw InputError(path_of(key) + ": expected true or false, got " + describe_json(*found));
    }
    value = found->get<bool>();
  }
  resolved_[key] = value;
  return value;
}

std::string ConfigReader::string(const std::string& key, const std::string& default_value) {
  const nlohmann::json* found = find(key);
  std::string value = default_value;
  if (found) {
    if (!found->is_string()) {
      throw InputError(path_of(key) + ": expected a string, got " + describe_json(*found));
    }
    value = found->get<std::string>();
  }
  resolved_[key] = value;
  return value;
}

namespace {
std::string one_of(const std::vector<std::string>& allowed) {
  std::string text;
  for (const auto& option : allowed) text += (text.empty() ? "\"" : ", \"") + option + "\"";
  return "one of " + text;
}
}  // namespace

std::string ConfigReader::choice(const std::string& key, const std::string& default_value,
                                 const std::vector<std::string>& allowed) {
  const nlohmann::json* found = find(key);
  std::string value = default_value;
  if (found) {
    if (!found->is_string() ||
        std::find(allowed.begin(), allowed.end(), found->get<std::string>()) == allowed.end()) {
      throw InputError(path_of(key) + ": expected " + one_of(allowed) + ", got " +
                       describe_json(*found));
    }
    value = found->get<std::string>();
  }
  resolved_[key] = value;
  return value;
}

std::vector<double> ConfigReader::numbers(const std::string& key, const std::vector<double>& default_value) {
  const nlohmann::json list = value(key, default_value);
  if (!list.is_array() || list.empty()) {
    throw InputError(path_of(key) + ": expected a non-empty array of numbers, got " + describe_json(list));
  }
  std::vector<double> result;
  for (const auto& item : list) {
    if (!item.is_number()) throw InputError(path_of(key) + ": expected numbers, got " + describe_json(item));
    result.push_back(item.get<double>());
  }
  return result;
}

std::vector<std::string> ConfigReader::choices(const std::string& key,
                                               const std::vector<std::string>& default_value,
                                               const std::vector<std::string>& allowed) {
  const nlohmann::json* found = find(key);
  std::vector<std::string> values = default_value;
  if (found) {
    const std::string expected = "expected a non-empty list of " + one_of(allowed);
    if (!found->is_array() || found->empty()) {
      throw InputError(path_of(key) + ": " + expected + ", got " + describe_json(*found));
    }
    values.clear();
    for (const auto& item : *found) {
      if (!item.is_string() ||
          std::find(allowed.begin(), allowed.end(), item.get<std::string>()) == allowed.end()) {
        throw InputError(path_of(key) + ": " + expected + ", got " + describe_json(*found));
      }
      values.push_back(item.get<std::string>());
    }
  }
  resolved_[key] = values;
  return values;
}

nlohmann::json ConfigReader::value(const std::string& key, const nlohmann::json& default_value) {
  const nlohmann::json* found = find(key);
  nlohmann::json value = found ? *found : default_value;
  resolved_[key] = value;
  return value;
}

void ConfigReader::section(const std::string& key,
                           const std::function<void(ConfigReader&)>& read) {
  const nlohmann::json* found = find(key);
  ConfigReader child(found ? *found : nlohmann::json::object(), path_of(key));
  read(child);
  child.finish();
  resolved_[key] = child.resolved();
}

void ConfigReader::finish() const {
  for (const auto& item : config_.items()) {
    if (!read_keys_.count(item.key())) {
      throw InputError(path_of(item.key()) + ": unknown key (not a setting of this " +
                       (path_.empty() ? std::string("config") : "section") + ")");
    }
  }
}

}  // namespace diffctl
