#pragma once

#include "src/config/enum_names.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <vector>

namespace diffctl {

// Reads a JSON config object key by key: each getter supplies the default, checks the
// type and range, and records the value it resolved. Keys never asked for are unknown
// and rejected by finish(). Every message names the key path:
//   step_size: expected a number > 0, got -1
class ConfigReader {
 public:
  explicit ConfigReader(nlohmann::json config, std::string path = "");

  double number(const std::string& key, double default_value,
                double min = -std::numeric_limits<double>::infinity(), bool min_exclusive = false,
                double max = std::numeric_limits<double>::infinity());
  int64_t integer(const std::string& key, int64_t default_value,
                  int64_t min = std::numeric_limits<int64_t>::min(),
                  int64_t max = std::numeric_limits<int64_t>::max());
  bool boolean(const std::string& key, bool default_value);
  std::string string(const std::string& key, const std::string& default_value);
  std::string choice(const std::string& key, const std::string& default_value,
                     const std::vector<std::string>& allowed);
  // One of an enum's names (src/config/enum_names.h), as its value.
  template <typename Enum, std::size_t N>
  Enum choice(const std::string& key, Enum default_value, const EnumNames<Enum, N>& names) {
    return enum_value(names, choice(key, enum_name(names, default_value), enum_name_list(names)), path_of(key));
  }
  // A list of strings each taken from `allowed`.
  std::vector<std::string> choices(const std::string& key,
                                   const std::vector<std::string>& default_value,
                                   const std::vector<std::string>& allowed);
  // A non-empty list of numbers (the caller checks their count and range).
  std::vector<double> numbers(const std::string& key, const std::vector<double>& default_value);
  // Any JSON value; the caller validates it (e.g. a matrix) and reports with path_of(key).
  nlohmann::json value(const std::string& key, const nlohmann::json& default_value);

  // Reads the nested object at `key` (absent: all defaults) with `read`, checking its
  // keys too; its resolved values are recorded under `key`.
  void section(const std::string& key, const std::function<void(ConfigReader&)>& read);

  // Hands every key not read so far to the caller, which validates it with a reader of
  // its own (a runner passing the rest of its config to the trainers it runs).
  nlohmann::json take_unread();

  bool has(const std::string& key) const;
  std::string path_of(const std::string& key) const;

  // Throws InputError naming the first key that no getter asked for.
  void finish() const;
  // The config with every default filled in: what a run directory records.
  const nlohmann::json& resolved() const { return resolved_; }

 private:
  const nlohmann::json* find(const std::string& key);

  nlohmann::json config_;
  nlohmann::json resolved_ = nlohmann::json::object();
  std::string path_;
  std::set<std::string> read_keys_;
};

// Short rendering of a JSON value for error messages.
std::string describe_json(const nlohmann::json& value);

}  // namespace diffctl
