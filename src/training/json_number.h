#pragma once

#include <nlohmann/json.hpp>

#include <cmath>

namespace diffctl {

// A figure for metrics and summaries: the number, or null where it is not finite (an
// infinite cost, a diverged run) — JSON has no inf or NaN.
inline nlohmann::json finite_or_null(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

}  // namespace diffctl
