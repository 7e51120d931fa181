#pragma once

#include "src/error.h"

#include <array>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace diffctl {

// An enum's names in configs and summaries: one table per enum, declared beside it,
//   inline constexpr EnumNames<Activation, 2> kActivationNames{{{Activation::tanh, "tanh"}, ...}};
// read by ConfigReader::choice(key, fallback, table) and printed by enum_name(table, value).
template <typename Enum, std::size_t N>
using EnumNames = std::array<std::pair<Enum, const char*>, N>;

template <typename Enum, std::size_t N>
std::vector<std::string> enum_name_list(const EnumNames<Enum, N>& names) {
  std::vector<std::string> list;
  for (const auto& [value, name] : names) list.emplace_back(name);
  return list;
}

// Throws Error for a value missing from the table (a table out of step with its enum).
template <typename Enum, std::size_t N>
std::string enum_name(const EnumNames<Enum, N>& names, Enum value) {
  for (const auto& [candidate, name] : names) {
    if (candidate == value) return name;
  }
  throw Error("enum_name: a value without a name (its table misses it)");
}

// Throws InputError naming `what` and the names it expects for an unknown name.
template <typename Enum, std::size_t N>
Enum enum_value(const EnumNames<Enum, N>& names, const std::string& name, const std::string& what) {
  for (const auto& [value, candidate] : names) {
    if (name == candidate) return value;
  }
  std::string expected;
  for (const auto& [value, candidate] : names) expected += (expected.empty() ? "" : ", ") + std::string(candidate);
  throw InputError(what + ": expected one of " + expected + ", got \"" + name + "\"");
}

}  // namespace diffctl
