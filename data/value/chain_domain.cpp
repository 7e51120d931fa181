#include "data/value/value_dataset.h"

#include <torch/torch.h>

namespace diffctl {

TabularMdp chain_mdp(double reward_offset) {
  constexpr int64_t kStates = 11;
  constexpr int64_t kNext = 0;
  constexpr int64_t kReset = 1;
  torch::Tensor P = torch::zeros({kStates, 2, kStates}, torch::kFloat64);
  torch::Tensor R = torch::zeros({kStates, 2, kStates}, torch::kFloat64);
  for (int64_t i = 0; i <= 8; ++i) P[i][kNext][i + 1] = 1.0;
  P[9][kNext][0] = 1.0;
  R[9][kNext][0] = 10.0;
  P[10][kNext][0] = 1.0;
  for (int64_t i = 0; i <= 9; ++i) P[i][kReset][10] = 1.0;
  P[10][kReset][0] = 1.0;
  R[10][kReset][0] = 1.0;
  return {P, R + reward_offset, torch::zeros({kStates}, torch::kBool), 0.9};
}

ValueDataset chain_dataset(double reward_offset, at::Generator& generator) {
  const TabularMdp mdp = chain_mdp(reward_offset);
  const torch::Tensor policy = torch::tensor({0.95, 0.05}, torch::kFloat64).expand({mdp.states(), 2});
  const torch::Tensor starts = torch::randint(mdp.states(), {50}, generator, torch::kLong);
  std::vector<int64_t> first_states;
  std::vector<double> targets;
  for (int64_t i = 0; i < 50; ++i) {
    const Trajectory trajectory = sample_trajectory(mdp, policy, starts[i].item<int64_t>(), 100, generator);
    first_states.push_back(trajectory.states.front());
    targets.push_back(discounted_returns(trajectory.rewards, mdp.gamma).front());
  }
  const torch::Tensor identity = torch::eye(mdp.states(), torch::kFloat64);
  return {identity.index_select(0, torch::tensor(first_states, torch::kLong)),
          torch::tensor(targets, torch::kFloat64), identity, policy_values(mdp, policy)};
}

}  // namespace diffctl
