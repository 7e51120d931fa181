#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace diffctl {

// A finite MDP (float64): transitions P (S, A, S), rewards R (S, A, S) received on each
// transition, and terminal states where the episode ends (no further reward).
struct TabularMdp {
  torch::Tensor transitions;
  torch::Tensor rewards;
  torch::Tensor terminal;  // bool (S)
  double gamma = 0.9;

  int64_t states() const { return transitions.size(0); }
  int64_t actions() const { return transitions.size(1); }
};

// V^π = (I − γ P_π)⁻¹ r_π for a stochastic policy π (S, A), zero at terminal states.
torch::Tensor policy_values(const TabularMdp& mdp, const torch::Tensor& policy);
// Q* by value iteration to 1e-12.
torch::Tensor optimal_action_values(const TabularMdp& mdp);
// ε-greedy on Q: 1 − ε + ε/A on the greedy action, ε/A on the others.
torch::Tensor epsilon_greedy(const torch::Tensor& action_values, double epsilon);

struct Trajectory {
  std::vector<int64_t> states;   // s_0 … s_{T−1}
  std::vector<double> rewards;   // r_0 … r_{T−1}
};

// Follows π from `start` for at most `steps` transitions, ending early at a terminal state.
Trajectory sample_trajectory(const TabularMdp& mdp, const torch::Tensor& policy, int64_t start, int64_t steps,
                             at::Generator& generator);

// G_t = Σ_{k ≥ t} γ^{k−t} r_k within the trajectory (truncated at its end), for every t.
std::vector<double> discounted_returns(const std::vector<double>& rewards, double gamma);

}  // namespace diffctl
