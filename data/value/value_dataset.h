#pragma once

#include "data/value/tabular_mdp.h"
#include "src/config/enum_names.h"

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <string>

namespace diffctl {

// Offline policy-evaluation data of implicit-value-estimators.md, float64: features φ(s)
// (rows) with value targets from discounted returns, and a test set of (features, true or
// Monte-Carlo values). `reward_offset` is added to every reward, the terminal one included.
struct ValueDataset {
  torch::Tensor train_features;  // (N, k)
  torch::Tensor train_targets;   // (N)
  torch::Tensor test_features;   // (M, k)
  torch::Tensor test_targets;    // (M)
};

// The chain: 11 states, "next" i → i+1 (i ≤ 8), 9 → 0 with +10, 10 → 0; "reset" 0–9 → 10
// with 0, 10 → 0 with +1; π = [0.95, 0.05], γ = 0.9, one-hot features. Train: 50
// trajectories of 100 steps from uniform starts, the return of each first state. Test: the
// exact values of all 11 states.
TabularMdp chain_mdp(double reward_offset);
ValueDataset chain_dataset(double reward_offset, at::Generator& generator);

// Which four-rooms MDP, which states episodes start from and which the test set covers.
enum class FourRoomsStates {
  // As the paper's released code: all 122 states are ordinary states (a start in a wall
  // moves out of it), the goal moves to state 121, a reward-free self-loop, episodes never
  // end (every trajectory runs all its steps), the offset is added to every step's reward;
  // starts and tests on all 122.
  released_code,
  // Walls and state 121 absorbing terminals worth 0 (a start there adds no sample); starts
  // and tests on all 122.
  absorbing_walls,
  // Terminals as absorbing_walls; starts on the 104 open cells, tests on them and state 121.
  open_cells,
};
inline constexpr EnumNames<FourRoomsStates, 3> kFourRoomsStatesNames{{{FourRoomsStates::released_code, "released_code"},
                                                                    {FourRoomsStates::absorbing_walls, "absorbing_walls"},
                                                                    {FourRoomsStates::open_cells, "open_cells"}}};

// Four rooms: 11×11 grid with walls, goal (7, 1) paying 1 for any action on the way to
// state 121 (zero features); moves succeed with 2/3, slip to each other direction with
// 1/9, moves into a wall or off the grid stay; γ = 0.9; π ε-greedy(0.1) on the offset-free
// Q* of the same MDP. Train: 80 trajectories × 80 steps from uniform starts over `states`,
// every visited state with its return truncated at the trajectory's end. Test: exact values.
TabularMdp four_rooms_mdp(double reward_offset, FourRoomsStates states = FourRoomsStates::released_code);
ValueDataset four_rooms_dataset(double reward_offset, FourRoomsStates states, at::Generator& generator);

// Mountain car (Sutton & Barto) with 20×20 normalised radial-basis features, γ = 0.99, the
// ε-greedy(0.1) energy-pumping policy. Train: 10 episodes of at most 200 steps, every
// visited state with its truncated return. Test: held-out episodes, 1000 states with their
// Monte-Carlo returns.
ValueDataset mountain_car_dataset(double reward_offset, at::Generator& generator);
// φ(x, v) (B, 400) for positions and velocities (B).
torch::Tensor mountain_car_features(const torch::Tensor& position, const torch::Tensor& velocity);

struct ValueDomainOptions {
  std::string domain = "chain";  // "chain", "four_rooms" or "mountain_car"
  double reward_offset = 0.0;
  FourRoomsStates four_rooms_states = FourRoomsStates::released_code;
};

// The domain's dataset (InputError for an unknown domain).
ValueDataset make_value_dataset(const ValueDomainOptions& options, at::Generator& generator);

// The training set with one row per distinct feature vector, its target the mean of that
// state's targets (the tabular, every-state-once setting of Corollary 2). Minimising the
// squared error over it weights states equally instead of by how often they were visited.
ValueDataset with_distinct_train_states(ValueDataset data);

}  // namespace diffctl
