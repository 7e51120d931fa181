#pragma once

#include "src/lqr/lqr_systems.h"

#include <torch/types.h>

#include <vector>

namespace diffctl {

class ConfigReader;

// Discount annealing (Perdomo et al. 2021, as used by Fujinami et al.) to find gains that
// stabilise every system of a set without a stabilising start: minimise the discounted
// cost (the undiscounted cost of (√γA, √γB)) from a γ small enough that the start is
// stable, then raise γ as far as the cost stays within `cost_factor` of the current one
// (bisection), and repeat until γ = 1.
struct DiscountAnnealingOptions {
  double cost_factor = 2.0;       // J_γ'(K) ≤ cost_factor · J_γ(K) when raising γ to γ'
  int64_t policy_steps = 50;      // backtracking gradient steps at each discount
  int64_t max_rounds = 200;       // discount raises before giving up
  int64_t bisection_steps = 30;
  double initial_radius = 0.9;    // γ₀ puts the damped closed loop at this spectral radius

  // Throws InputError naming `path`.key for an invalid field (Ceres' IsValid).
  void check(const std::string& path) const;
  // Reads every field above from a config section (defaults as above).
  static DiscountAnnealingOptions from_config(ConfigReader& reader);
};

struct DiscountAnnealingSummary {
  int64_t rounds = 0;
  std::vector<double> smallest_discount;  // min over trials of γ at the start of each round
};

// `systems` holds T groups of M consecutive systems, `initial_gain` (T,m,n) one gain per
// group; the groups are annealed independently and in parallel. Returns gains (T,m,n)
// each stabilising all M systems of its group. Throws diffctl::Error when γ stalls or
// `max_rounds` pass before γ = 1.
torch::Tensor anneal_discount(const LqrSystems& systems, const torch::Tensor& initial_gain,
                              const DiscountAnnealingOptions& options,
                              DiscountAnnealingSummary* summary = nullptr);

}  // namespace diffctl
