// The MuJoCo Swimmer against its definition, stepped independently through MuJoCo's C API.
#include "data/data_path.h"
#include "data/envs/env.h"
#include "data/envs/swimmer.h"
#include "src/random/counter_random.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>

namespace diffctl {
namespace {

TEST(Swimmer, ResetsWithinTheNoiseAndDependsOnTheSeedAlone) {
  Swimmer a, b;
  std::array<double, 8> first{}, again{}, other{};
  a.reset(7, first.data());
  b.reset(7, again.data());
  a.reset(8, other.data());
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
  for (double value : first) EXPECT_LE(std::abs(value), Swimmer::kResetNoise);
  EXPECT_EQ(make_env("swimmer")->observation_size(), 8);
}

// One env step equals 4 MuJoCo steps of a separately loaded model from the same state,
// and the reward is Gym's (Δx_root / 0.04 − 1e-4 ‖a‖²), with the raw action in the cost.
TEST(Swimmer, StepIsFourMujocoStepsAndGymsReward) {
  Swimmer env;
  std::array<double, 8> observation{};
  env.reset(3, observation.data());
  char error[500] = "";
  mjModel* model = mj_loadXML(find_data_file("mujoco/swimmer.xml").c_str(), nullptr, error, sizeof(error));
  ASSERT_NE(model, nullptr) << error;
  mjData* data = mj_makeData(model);
  CounterRandom random(11);
  for (int t = 0; t < 50; ++t) {
    for (int i = 0; i < model->nq; ++i) data->qpos[i] = env.data().qpos[i];
    for (int i = 0; i < model->nv; ++i) data->qvel[i] = env.data().qvel[i];
    const std::array<double, 2> action{random.uniform(-1.5, 1.5), random.uniform(-1.5, 1.5)};
    const double x_before = data->qpos[0];
    data->ctrl[0] = action[0];
    data->ctrl[1] = action[1];
    for (int k = 0; k < 4; ++k) mj_step(model, data);
    const StepResult result = env.step(action.data(), observation.data());
    const double expected =
        (data->qpos[0] - x_before) / 0.04 - 1e-4 * (action[0] * action[0] + action[1] * action[1]);
    EXPECT_NEAR(result.reward, expected, 1e-9) << "step " << t;
    EXPECT_FALSE(result.done);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(observation[i], data->qpos[2 + i]);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(observation[3 + i], data->qvel[i]);
  }
  mj_deleteData(data);
  mj_deleteModel(model);
}

// The motors clip controls to [−1, 1]: an action of 3 moves the swimmer as 1 does, but
// costs 9 times as much.
TEST(Swimmer, ClipsControlsButChargesTheRawAction) {
  Swimmer clipped, unit;
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
  Swimmer env;
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
    Swimmer env;
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
