// The MuJoCo Swimmer's physics: clipped motors, no contacts, and swimming by a travelling
// wave (its step, reward and resets against Gym's are in gym_locomotion_test.cpp).
#include "data/envs/gym_locomotion.h"
#include "src/random/counter_random.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>

namespace diffctl {
namespace {

// The motors clip controls to [−1, 1]: an action of 3 moves the swimmer as 1 does, but
// costs 9 times as much.
TEST(Swimmer, ClipsControlsButChargesTheRawAction) {
  GymLocomotion clipped(swimmer_task()), unit(swimmer_task());
  std::array<double, 8> a{}, b{};
  clipped.reset(5, a.data());
  unit.reset(5, b.data());
  const std::array<double, 2> big{3.0, -3.0}, one{1.0, -1.0};
  const auto r_big = clipped.step(big.data(), a.data());
  const auto r_one = unit.step(one.data(), b.data());
  EXPECT_EQ(a, b);
  EXPECT_NEAR(r_one.reward - r_big.reward, 1e-4 * (18.0 - 2.0), 1e-12);
}

// No contacts, ever: collisions are "predefined" and the model defines no pairs.
TEST(Swimmer, NeverMakesContact) {
  GymLocomotion env(swimmer_task());
  std::array<double, 8> observation{};
  env.reset(1, observation.data());
  CounterRandom random(2);
  for (int t = 0; t < 300; ++t) {
    const std::array<double, 2> action{random.uniform(-1, 1), random.uniform(-1, 1)};
    env.step(action.data(), observation.data());
    ASSERT_EQ(env.data().ncon, 0) << "step " << t;
  }
}

// A travelling wave down the body swims: the viscous medium turns it into motion along the
// body, and reversing the wave's direction reverses the motion.
TEST(Swimmer, ATravellingWaveSwimsAndItsReverseSwimsBack) {
  auto displacement = [](double phase) {
    GymLocomotion env(swimmer_task());
    std::array<double, 8> observation{};
    env.reset(0, observation.data());
    const double start = env.data().qpos[0];
    for (int t = 0; t < 1000; ++t) {
      const std::array<double, 2> action{std::sin(0.1 * t), std::sin(0.1 * t + phase)};
      env.step(action.data(), observation.data());
    }
    return env.data().qpos[0] - start;
  };
  const double forward = displacement(-M_PI / 4), backward = displacement(M_PI / 4);
  EXPECT_GT(forward, 3.0);  // 1.5 body lengths and more over the episode
  EXPECT_LT(backward, -3.0);
  EXPECT_LT(forward * backward, 0.0);
}

}  // namespace
}  // namespace diffctl
