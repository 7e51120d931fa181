#pragma once

#include "src/error.h"

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace diffctl {

// Factories by name, thread-safe, built-ins first and a project's own added later (names are
// unique): the one mechanism behind make_env and make_policy. `key` is the config key an
// unknown name is reported under, `noun` what a duplicate registration names.
template <typename Factory>
class NamedRegistry {
 public:
  NamedRegistry(std::string key, std::string noun, std::map<std::string, Factory> built_in)
      : key_(std::move(key)), noun_(std::move(noun)), factories_(std::move(built_in)) {}

  std::vector<std::string> names() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> names;
    for (const auto& entry : factories_) names.push_back(entry.first);
    return names;
  }

  // A copy, so that the caller runs it without holding the lock.
  Factory find(const std::string& name) const {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const auto found = factories_.find(name);
      if (found != factories_.end()) return found->second;
    }
    std::string known;
    for (const auto& known_name : names()) known += (known.empty() ? "\"" : ", \"") + known_name + "\"";
    throw InputError(key_ + ": expected one of " + known + ", got \"" + name + "\"");
  }

  void add(const std::string& name, Factory factory) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!factories_.emplace(name, std::move(factory)).second) {
      throw Error("register_" + key_ + ": " + noun_ + " named \"" + name + "\" is registered already");
    }
  }

 private:
  std::string key_, noun_;
  mutable std::mutex mutex_;
  std::map<std::string, Factory> factories_;
};

}  // namespace diffctl
