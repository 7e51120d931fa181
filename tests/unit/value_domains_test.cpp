#include "data/value/value_dataset.h"
#include "src/seeding.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <map>

namespace diffctl {
namespace {

using testing::TensorsNear;

// The exact values (a linear solve) against Monte-Carlo returns of long rollouts.
TEST(ValueDomains, ChainExactValuesMatchMonteCarloReturns) {
  const TabularMdp mdp = chain_mdp(0.5);
  const auto policy = torch::tensor({0.95, 0.05}, torch::kFloat64).expand({11, 2});
  const auto exact = policy_values(mdp, policy);
  auto generator = make_generator(40);
  for (int64_t state : {0, 5, 10}) {
    double total = 0.0;
    constexpr int kRollouts = 4000;
    for (int i = 0; i < kRollouts; ++i) {
      total += discounted_returns(sample_trajectory(mdp, policy, state, 200, generator).rewards, 0.9).front();
    }
    // Returns lie within [0, (10 + 0.5)/(1 − 0.9)]; 4000 rollouts: standard error < 1.7.
    EXPECT_NEAR(total / kRollouts, exact[state].item<double>(), 0.6) << "state " << state;
  }
}

// The released code's four rooms, against the figures of its logs: the test norms at
// offsets 0 and 1, 6,400 samples, and every step's reward carrying the offset.
TEST(ValueDomains, FourRoomsAsReleasedHasTheLoggedTestNormsAndEveryStepAsASample) {
  for (uint64_t seed : {46, 47, 48}) {
    auto plain_generator = make_generator(seed);
    auto offset_generator = make_generator(seed);
    const ValueDataset plain = four_rooms_dataset(0.0, FourRoomsStates::released_code, plain_generator);
    const ValueDataset offset = four_rooms_dataset(1.0, FourRoomsStates::released_code, offset_generator);
    ASSERT_EQ(plain.test_targets.size(0), 122);
    EXPECT_NEAR(plain.test_targets.norm().item<double>(), 3.752, 5e-4);
    EXPECT_NEAR(offset.test_targets.norm().item<double>(), 113.41, 5e-3);
    // V = V₀ + c/(1 − γ) at every state, state 121 (zero features) included.
    EXPECT_TRUE(TensorsNear(offset.test_targets - plain.test_targets, torch::full({122}, 10.0, torch::kFloat64), 1e-10));
    EXPECT_EQ(offset.test_features[121].abs().sum().item<double>(), 0.0);
    // Episodes never end: 80 trajectories × 80 steps, most of them sitting in state 121.
    ASSERT_EQ(plain.train_targets.size(0), 6400);
    const double absorbed = (plain.train_features.sum(1) == 0.0).to(torch::kFloat64).mean().item<double>();
    EXPECT_GT(absorbed, 0.6) << "seed " << seed;
    EXPECT_LT(absorbed, 0.9) << "seed " << seed;
    // The offset is added to every step, truncated at step 80 without a bootstrap: the same
    // draws give the same trajectories, whose targets differ by Σ_{k=t}^{79} 0.9^{k−t}.
    const auto t = torch::arange(80, torch::kFloat64).repeat({80});
    const auto truncated_sum = (1.0 - torch::pow(0.9, 80.0 - t)) / (1.0 - 0.9);
    EXPECT_TRUE(TensorsNear(offset.train_targets - plain.train_targets, truncated_sum, 1e-10));
    EXPECT_TRUE(TensorsNear(offset.train_features, plain.train_features, 0.0));
  }
}

// Walls are ordinary states in the released code: a start there moves out, only moves into
// a wall or off the grid stay; the goal pays 1 for any action and moves to state 121.
TEST(ValueDomains, FourRoomsAsReleasedLeavesWallsAndOnlyBlocksMovesIntoThem) {
  const TabularMdp mdp = four_rooms_mdp(0.5);
  EXPECT_EQ(mdp.states(), 122);
  EXPECT_EQ(mdp.terminal.sum().item<int64_t>(), 0);
  EXPECT_TRUE(TensorsNear(mdp.transitions.sum(-1), torch::ones({122, 4}, torch::kFloat64), 1e-12));
  // Down from the wall (5, 5): (6, 5) below is open, its other neighbours (4, 5), (5, 4)
  // and (5, 6) are walls, so the three slips stay.
  const int64_t wall = 5 * 11 + 5, below = 6 * 11 + 5, wall_above = 4 * 11 + 5;
  EXPECT_NEAR(mdp.transitions[wall][0][below].item<double>(), 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(mdp.transitions[wall][0][wall].item<double>(), 1.0 / 3.0, 1e-15);
  EXPECT_EQ(mdp.transitions[wall][0][wall_above].item<double>(), 0.0);
  // Right from (4, 4) runs into the wall (4, 5) and stays, as does the slip down into (5, 4).
  const int64_t cell = 4 * 11 + 4;
  EXPECT_NEAR(mdp.transitions[cell][2][cell].item<double>(), 2.0 / 3.0 + 1.0 / 9.0, 1e-15);
  EXPECT_NEAR(mdp.transitions[cell][2][3 * 11 + 4].item<double>(), 1.0 / 9.0, 1e-15);
  const int64_t goal = 7 * 11 + 1;
  for (int64_t a = 0; a < 4; ++a) {
    EXPECT_EQ(mdp.transitions[goal][a][121].item<double>(), 1.0);
    EXPECT_EQ(mdp.rewards[goal][a][121].item<double>(), 1.5);
    EXPECT_EQ(mdp.transitions[121][a][121].item<double>(), 1.0);
    EXPECT_EQ(mdp.rewards[121][a][121].item<double>(), 0.5);
    EXPECT_EQ(mdp.rewards[wall][a][below].item<double>(), 0.5);
  }
  // Without the offset the policy heads for the goal: values rise towards it along its row,
  // and a wall is worth what the cells it leads to are.
  const auto policy = epsilon_greedy(optimal_action_values(four_rooms_mdp(0.0)), 0.1);
  const auto plain = policy_values(four_rooms_mdp(0.0), policy);
  EXPECT_GT(plain[7 * 11 + 2].item<double>(), plain[7 * 11 + 3].item<double>());
  EXPECT_GT(plain[7 * 11 + 3].item<double>(), 0.0);
  EXPECT_GT(plain[wall].item<double>(), 0.0);
  EXPECT_EQ(plain[121].item<double>(), 0.0);
}

TEST(ValueDomains, FourRoomsWithTerminalsIsAProperMdpWithTheGoalWorthItsReward) {
  const TabularMdp mdp = four_rooms_mdp(0.25, FourRoomsStates::open_cells);
  EXPECT_EQ(mdp.states(), 122);
  EXPECT_TRUE(TensorsNear(mdp.transitions.sum(-1), torch::ones({122, 4}, torch::kFloat64), 1e-12));
  const auto policy = epsilon_greedy(optimal_action_values(four_rooms_mdp(0.0, FourRoomsStates::open_cells)), 0.1);
  const auto values = policy_values(mdp, policy);
  EXPECT_NEAR(values[7 * 11 + 1].item<double>(), 1.25, 1e-12);  // goal: 1 + offset, then terminal
  EXPECT_EQ(values[121].item<double>(), 0.0);
  const auto plain = policy_values(four_rooms_mdp(0.0, FourRoomsStates::open_cells), policy);
  EXPECT_GT(plain[7 * 11 + 2].item<double>(), plain[7 * 11 + 3].item<double>());
  EXPECT_GT(plain[7 * 11 + 3].item<double>(), 0.0);
  auto generator = make_generator(41);
  const ValueDataset open = four_rooms_dataset(0.25, FourRoomsStates::open_cells, generator);
  EXPECT_EQ(open.test_features.size(0), 121 - 17 + 1);  // open cells and the terminal
  EXPECT_EQ(open.train_features.size(1), 121);
  EXPECT_EQ(open.test_features[-1].abs().sum().item<double>(), 0.0);
  EXPECT_TRUE(TensorsNear(open.test_targets.narrow(0, 0, 1), values.narrow(0, 0, 1), 1e-12));  // cell (0, 0)
}

// Starts uniform over all 122 states, tested on all of them; walls are absorbing and worth
// 0, so a start there adds no training sample.
TEST(ValueDomains, FourRoomsWithAbsorbingWallsTestsEveryStateWithWallsWorthNothing) {
  const TabularMdp mdp = four_rooms_mdp(0.5, FourRoomsStates::absorbing_walls);
  const auto policy = epsilon_greedy(optimal_action_values(four_rooms_mdp(0.0, FourRoomsStates::absorbing_walls)), 0.1);
  auto generator = make_generator(45);
  const ValueDataset data = four_rooms_dataset(0.5, FourRoomsStates::absorbing_walls, generator);
  ASSERT_EQ(data.test_features.size(0), 122);
  EXPECT_TRUE(TensorsNear(data.test_targets, policy_values(mdp, policy), 1e-12));
  EXPECT_TRUE(TensorsNear(data.test_features.narrow(0, 0, 121), torch::eye(121, torch::kFloat64), 0.0));
  const int64_t wall = 5 * 11 + 5;
  EXPECT_EQ(data.test_targets[wall].item<double>(), 0.0);
  EXPECT_GT(data.test_targets[0].item<double>(), 0.5);  // an open cell earns the offset every step
  // No training sample sits in a wall.
  EXPECT_EQ(data.train_features.select(1, wall).sum().item<double>(), 0.0);
  EXPECT_GT(data.train_features.size(0), 0);
}

TEST(ValueDomains, MountainCarFeaturesAreNormalisedAndEpisodesEndAtTheGoal) {
  const auto features = mountain_car_features(torch::tensor({-0.5, 0.0, 0.55}, torch::kFloat64),
                                              torch::tensor({0.0, 0.07, -0.01}, torch::kFloat64));
  EXPECT_EQ(features.size(1), 400);
  EXPECT_TRUE(TensorsNear(features.sum(-1), torch::ones({3}, torch::kFloat64), 1e-12));
  auto generator = make_generator(42);
  const ValueDataset data = mountain_car_dataset(0.0, generator);
  EXPECT_EQ(data.test_targets.size(0), 1000);
  // Offset 0: reaching the goal pays 0 and ends the episode, every other step pays −1. So a
  // target is exactly 0 (the goal step) or at most −1, and each episode that reached the
  // goal ended early, leaving fewer than 10 × 200 training states.
  const auto& targets = data.train_targets;
  const int64_t goal_steps = (targets == 0.0).sum().item<int64_t>();
  EXPECT_GE(goal_steps, 1);
  EXPECT_LT(targets.size(0), 10 * 200);
  EXPECT_LE(targets.masked_select(targets != 0.0).max().item<double>(), -1.0);
  EXPECT_GE(targets.min().item<double>(), -100.0);
}

// Four rooms repeats states; merging gives each one-hot state once with the mean of its
// targets, checked against a plain loop over the original rows.
TEST(ValueDomains, DistinctTrainStatesAverageTheTargetsOfRepeatedStates) {
  auto generator = make_generator(44);
  const ValueDataset data = four_rooms_dataset(0.5, FourRoomsStates::open_cells, generator);
  std::map<int64_t, std::pair<double, int>> by_state;  // state (−1: the zero-feature terminal) → (sum, count)
  for (int64_t i = 0; i < data.train_features.size(0); ++i) {
    const auto row = data.train_features[i];
    const int64_t state = row.sum().item<double>() == 0.0 ? -1 : row.argmax().item<int64_t>();
    auto& [sum, count] = by_state[state];
    sum += data.train_targets[i].item<double>();
    ++count;
  }
  ASSERT_LT(by_state.size(), static_cast<size_t>(data.train_features.size(0)));

  const ValueDataset distinct = with_distinct_train_states(data);
  ASSERT_EQ(distinct.train_features.size(0), static_cast<int64_t>(by_state.size()));
  for (int64_t i = 0; i < distinct.train_features.size(0); ++i) {
    const auto row = distinct.train_features[i];
    const int64_t state = row.sum().item<double>() == 0.0 ? -1 : row.argmax().item<int64_t>();
    ASSERT_TRUE(by_state.count(state)) << "row " << i;
    const auto [sum, count] = by_state.at(state);
    EXPECT_NEAR(distinct.train_targets[i].item<double>(), sum / count, 1e-12) << "state " << state;
    by_state.erase(state);  // each state exactly once
  }
  EXPECT_TRUE(torch::equal(distinct.test_features, data.test_features));
}

}  // namespace
}  // namespace diffctl
