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

TEST(ValueDomains, FourRoomsIsAProperMdpWithTheGoalWorthItsReward) {
  const TabularMdp mdp = four_rooms_mdp(0.25);
  EXPECT_EQ(mdp.states(), 122);
  EXPECT_TRUE(TensorsNear(mdp.transitions.sum(-1), torch::ones({122, 4}, torch::kFloat64), 1e-12));
  const auto policy = epsilon_greedy(optimal_action_values(four_rooms_mdp(0.0)), 0.1);
  const auto values = policy_values(mdp, policy);
  EXPECT_NEAR(values[7 * 11 + 1].item<double>(), 1.25, 1e-12);  // goal: 1 + offset, then terminal
  EXPECT_EQ(values[121].item<double>(), 0.0);
  // Without the offset the policy heads for the goal: values rise towards it along its row.
  const auto plain = policy_values(four_rooms_mdp(0.0), policy);
  EXPECT_GT(plain[7 * 11 + 2].item<double>(), plain[7 * 11 + 3].item<double>());
  EXPECT_GT(plain[7 * 11 + 3].item<double>(), 0.0);
  auto generator = make_generator(41);
  const ValueDataset open = four_rooms_dataset(0.25, FourRoomsStates::open_cells, generator);
  EXPECT_EQ(open.test_features.size(0), 121 - 17 + 1);  // open cells and the terminal
  EXPECT_EQ(open.train_features.size(1), 121);
  EXPECT_EQ(open.test_features[-1].abs().sum().item<double>(), 0.0);
  EXPECT_TRUE(TensorsNear(open.test_targets.narrow(0, 0, 1), values.narrow(0, 0, 1), 1e-12));  // cell (0, 0)
}

// The paper's released code: starts uniform over all 122 states, tested on all of them;
// walls are absorbing and worth 0, so a start there adds no training sample.
TEST(ValueDomains, FourRoomsOverAllStatesTestsEveryStateWithWallsWorthNothing) {
  const TabularMdp mdp = four_rooms_mdp(0.5);
  const auto policy = epsilon_greedy(optimal_action_values(four_rooms_mdp(0.0)), 0.1);
  auto generator = make_generator(45);
  const ValueDataset data = four_rooms_dataset(0.5, FourRoomsStates::all, generator);
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
