#include "data/value/tabular_mdp.h"

#include <torch/linalg.h>
#include <torch/torch.h>

namespace diffctl {

torch::Tensor policy_values(const TabularMdp& mdp, const torch::Tensor& policy) {
  const torch::Tensor live = mdp.terminal.logical_not().to(torch::kFloat64).unsqueeze(-1);
  const torch::Tensor P = (policy.unsqueeze(-1) * mdp.transitions).sum(1) * live;
  const torch::Tensor r = (policy.unsqueeze(-1) * mdp.transitions * mdp.rewards).sum({1, 2}) * live.squeeze(-1);
  const torch::Tensor system = torch::eye(mdp.states(), torch::kFloat64) - mdp.gamma * P;
  return torch::linalg::solve(system, r, /*left=*/true);
}

torch::Tensor optimal_action_values(const TabularMdp& mdp) {
  const torch::Tensor live = mdp.terminal.logical_not().to(torch::kFloat64).view({-1, 1});
  const torch::Tensor expected_reward = (mdp.transitions * mdp.rewards).sum(-1) * live;
  torch::Tensor Q = torch::zeros({mdp.states(), mdp.actions()}, torch::kFloat64);
  for (int iteration = 0; iteration < 100000; ++iteration) {
    const torch::Tensor V = std::get<0>(Q.max(-1));
    const torch::Tensor next = expected_reward + mdp.gamma * torch::matmul(mdp.transitions, V) * live;
    const double change = (next - Q).abs().max().item<double>();
    Q = next;
    if (change <= 1e-12) break;
  }
  return Q;
}

torch::Tensor epsilon_greedy(const torch::Tensor& action_values, double epsilon) {
  const int64_t actions = action_values.size(-1);
  const torch::Tensor greedy = torch::one_hot(action_values.argmax(-1), actions).to(torch::kFloat64);
  return (1.0 - epsilon) * greedy + epsilon / static_cast<double>(actions);
}

namespace {

int64_t draw(const double* probabilities, int64_t count, double uniform) {
  double cumulative = 0.0;
  for (int64_t i = 0; i < count; ++i) {
    cumulative += probabilities[i];
    if (uniform < cumulative) return i;
  }
  return count - 1;
}

}  // namespace

Trajectory sample_trajectory(const TabularMdp& mdp, const torch::Tensor& policy, int64_t start, int64_t steps,
                             at::Generator& generator) {
  const torch::Tensor P = mdp.transitions.contiguous();
  const torch::Tensor R = mdp.rewards.contiguous();
  const torch::Tensor pi = policy.contiguous();
  const torch::Tensor terminal = mdp.terminal.contiguous();
  const auto is_terminal = terminal.accessor<bool, 1>();
  const torch::Tensor uniforms = torch::rand({steps, 2}, generator, torch::kFloat64);
  const auto u = uniforms.accessor<double, 2>();
  const int64_t S = mdp.states();
  const int64_t A = mdp.actions();
  Trajectory trajectory;
  int64_t state = start;
  for (int64_t t = 0; t < steps && !is_terminal[state]; ++t) {
    const int64_t action = draw(pi.data_ptr<double>() + state * A, A, u[t][0]);
    const int64_t next = draw(P.data_ptr<double>() + (state * A + action) * S, S, u[t][1]);
    trajectory.states.push_back(state);
    trajectory.rewards.push_back(R.data_ptr<double>()[(state * A + action) * S + next]);
    state = next;
  }
  return trajectory;
}

std::vector<double> discounted_returns(const std::vector<double>& rewards, double gamma) {
  std::vector<double> returns(rewards.size());
  double total = 0.0;
  for (size_t t = rewards.size(); t-- > 0;) {
    total = rewards[t] + gamma * total;
    returns[t] = total;
  }
  return returns;
}

}  // namespace diffctl
