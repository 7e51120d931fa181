#include "data/value/value_dataset.h"

#include <torch/torch.h>

#include <set>
#include <utility>

namespace diffctl {

namespace {

constexpr int64_t kSide = 11;
constexpr int64_t kCells = kSide * kSide;
constexpr int64_t kTerminal = kCells;  // state 121
const std::pair<int64_t, int64_t> kGoalCell{7, 1};

const std::set<std::pair<int64_t, int64_t>>& walls() {
  static const std::set<std::pair<int64_t, int64_t>> cells{
      {0, 5}, {2, 5}, {3, 5}, {4, 5}, {6, 4}, {7, 4}, {9, 4}, {10, 4}, {5, 0},
      {5, 2}, {5, 3}, {5, 4}, {5, 5}, {5, 6}, {5, 7}, {5, 9}, {5, 10}};
  return cells;
}

bool open_cell(int64_t row, int64_t column) {
  return row >= 0 && row < kSide && column >= 0 && column < kSide && !walls().count({row, column});
}

std::vector<int64_t> open_cells() {
  std::vector<int64_t> cells;
  for (int64_t s = 0; s < kCells; ++s) {
    if (open_cell(s / kSide, s % kSide)) cells.push_back(s);
  }
  return cells;
}

}  // namespace

TabularMdp four_rooms_mdp(double reward_offset, FourRoomsStates states) {
  const bool walls_are_states = states == FourRoomsStates::released_code;
  // Actions down, up, right, left as (row, column) moves.
  const int64_t moves[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
  torch::Tensor P = torch::zeros({kCells + 1, 4, kCells + 1}, torch::kFloat64);
  torch::Tensor R = torch::zeros({kCells + 1, 4, kCells + 1}, torch::kFloat64);
  torch::Tensor terminal = torch::zeros({kCells + 1}, torch::kBool);
  auto p = P.accessor<double, 3>();
  auto r = R.accessor<double, 3>();
  for (int64_t s = 0; s <= kCells; ++s) {
    const int64_t row = s / kSide;
    const int64_t column = s % kSide;
    const bool absorbing = s == kTerminal || (!walls_are_states && !open_cell(row, column));
    for (int64_t a = 0; a < 4; ++a) {
      if (absorbing) {
        p[s][a][s] = 1.0;
        continue;
      }
      if (std::make_pair(row, column) == kGoalCell) {
        p[s][a][kTerminal] = 1.0;
        r[s][a][kTerminal] = 1.0;
        continue;
      }
      // From any cell (a wall too, where walls are states) a move into a wall or off the
      // grid stays put.
      for (int64_t d = 0; d < 4; ++d) {
        const int64_t to_row = row + moves[d][0];
        const int64_t to_column = column + moves[d][1];
        const int64_t next = open_cell(to_row, to_column) ? to_row * kSide + to_column : s;
        p[s][a][next] += d == a ? 2.0 / 3.0 : 1.0 / 9.0;
      }
    }
    // The released code never ends an episode: state 121 is a reward-free self-loop.
    terminal[s] = absorbing && !walls_are_states;
  }
  // The offset applies to every reward the agent can receive: every step in the released
  // code (walls, goal and state 121 included), otherwise every transition out of an open cell.
  const torch::Tensor live = terminal.logical_not().to(torch::kFloat64).view({-1, 1, 1});
  return {P, R + reward_offset * live, terminal, 0.9};
}

ValueDataset four_rooms_dataset(double reward_offset, FourRoomsStates which, at::Generator& generator) {
  const TabularMdp mdp = four_rooms_mdp(reward_offset, which);
  const torch::Tensor policy = epsilon_greedy(optimal_action_values(four_rooms_mdp(0.0, which)), 0.1);
  std::vector<int64_t> cells = open_cells();
  if (which != FourRoomsStates::open_cells) {
    cells.resize(kCells + 1);
    for (int64_t s = 0; s <= kCells; ++s) cells[s] = s;
  }
  const torch::Tensor starts = torch::randint(static_cast<int64_t>(cells.size()), {80}, generator, torch::kLong);
  std::vector<int64_t> states;
  std::vector<double> targets;
  for (int64_t i = 0; i < 80; ++i) {
    const Trajectory trajectory = sample_trajectory(mdp, policy, cells[starts[i].item<int64_t>()], 80, generator);
    const std::vector<double> returns = discounted_returns(trajectory.rewards, mdp.gamma);
    states.insert(states.end(), trajectory.states.begin(), trajectory.states.end());
    targets.insert(targets.end(), returns.begin(), returns.end());
  }
  // One-hot over the 121 cells; state 121's row is zero.
  const torch::Tensor features = torch::cat({torch::eye(kCells, torch::kFloat64),
                                             torch::zeros({1, kCells}, torch::kFloat64)});
  std::vector<int64_t> test_states = cells;
  if (which == FourRoomsStates::open_cells) test_states.push_back(kTerminal);
  const torch::Tensor test_index = torch::tensor(test_states, torch::kLong);
  return {features.index_select(0, torch::tensor(states, torch::kLong)), torch::tensor(targets, torch::kFloat64),
          features.index_select(0, test_index), policy_values(mdp, policy).index_select(0, test_index)};
}

}  // namespace diffctl
