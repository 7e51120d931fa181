// Gym's planar locomotion tasks (HalfCheetah, Hopper, Walker2d) against their definitions,
// stepped independently through MuJoCo's C API.
#include "data/data_path.h"
#include "data/envs/env.h"
#include "data/envs/gym_locomotion.h"
#include "src/error.h"
#include "src/random/counter_random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace diffctl {
namespace {

struct TaskCase {
  const char* name;
  LocomotionTask (*task)();
  int64_t observation_size;
  int64_t action_size;
};

class GymLocomotionTask : public ::testing::TestWithParam<TaskCase> {};

// One env step equals frame_skip MuJoCo steps of a separately loaded model from the same
// state; the reward is Gym's (Δx_root / dt + alive bonus − c ‖a‖², raw action) and the
// observation is qpos[1:] with qvel (clipped to ±10 for Hopper and Walker2d).
TEST_P(GymLocomotionTask, StepIsFrameSkipMujocoStepsAndGymsReward) {
  const TaskCase& c = GetParam();
  const LocomotionTask task = c.task();
  GymLocomotion env(task);
  ASSERT_EQ(env.observation_size(), c.observation_size);
  ASSERT_EQ(env.action_size(), c.action_size);
  EXPECT_EQ(make_env(c.name)->observation_size(), c.observation_size);
  std::vector<double> observation(c.observation_size), action(c.action_size);
  env.reset(3, observation.data());
  char error[500] = "";
  mjModel* model = mj_loadXML(find_data_file(task.model_file).c_str(), nullptr, error, sizeof(error));
  ASSERT_NE(model, nullptr) << error;
  mjData* data = mj_makeData(model);
  CounterRandom random(11);
  for (int t = 0; t < 40; ++t) {
    mj_copyData(data, model, &env.data());
    double squared = 0.0;
    for (auto& a : action) {
      a = random.uniform(-1.3, 1.3);
      squared += a * a;
    }
    const double x_before = data->qpos[0];
    for (int i = 0; i < model->nu; ++i) data->ctrl[i] = action[i];
    for (int k = 0; k < task.frame_skip; ++k) mj_step(model, data);
    const StepResult result = env.step(action.data(), observation.data());
    const double dt = task.frame_skip * model->opt.timestep;
    const double expected = (data->qpos[0] - x_before) / dt + task.alive_bonus - task.control_cost * squared;
    ASSERT_NEAR(result.reward, expected, 1e-9) << c.name << " step " << t;
    for (int i = 1; i < model->nq; ++i) ASSERT_EQ(observation[i - 1], data->qpos[i]);
    for (int i = 0; i < model->nv; ++i) {
      const double clip = task.velocity_clip > 0 ? task.velocity_clip : INFINITY;
      ASSERT_EQ(observation[model->nq - 1 + i], std::clamp(data->qvel[i], -clip, clip));
    }
    if (result.done) break;
  }
  mj_deleteData(data);
  mj_deleteModel(model);
}

// With the motors off, HalfCheetah never ends its episode; Hopper and Walker2d fall over,
// and the episode ends exactly at the first step whose height or torso angle leaves Gym's
// healthy range.
TEST_P(GymLocomotionTask, EndsWhenTheRobotLeavesItsHealthyRange) {
  const TaskCase& c = GetParam();
  const LocomotionTask task = c.task();
  GymLocomotion env(task);
  std::vector<double> observation(c.observation_size), action(c.action_size, 0.0);
  env.reset(1, observation.data());
  int done_at = -1;
  for (int t = 0; t < 1000 && done_at < 0; ++t) {
    const StepResult result = env.step(action.data(), observation.data());
    const double height = env.data().qpos[1], angle = env.data().qpos[2];
    const bool in_range = height > task.min_height && height < task.max_height && std::abs(angle) < task.max_angle;
    ASSERT_EQ(result.done, !in_range) << c.name << " step " << t << " height " << height << " angle " << angle;
    if (result.done) done_at = t;
  }
  if (std::string(c.name) == "half_cheetah") {
    EXPECT_EQ(done_at, -1);
  } else {
    EXPECT_GT(done_at, 5) << c.name << " starts healthy";
  }
}

INSTANTIATE_TEST_SUITE_P(Tasks, GymLocomotionTask,
                         ::testing::Values(TaskCase{"half_cheetah", half_cheetah_task, 17, 6},
                                           TaskCase{"hopper", hopper_task, 11, 3},
                                           TaskCase{"walker2d", walker2d_task, 17, 6}),
                         [](const auto& info) { return std::string(info.param.name); });

// The models keep Gym's conventions through their translation to local coordinates: the
// height qpos[1] is the torso's height above the floor for Hopper and Walker2d (1.25 at
// rest), and HalfCheetah weighs 14.
TEST(GymLocomotion, ModelsKeepGymsConventions) {
  for (const auto& task : {hopper_task(), walker2d_task()}) {
    GymLocomotion env(task);
    std::vector<double> observation(env.observation_size());
    env.reset(4, observation.data());
    const int torso = mj_name2id(&env.model(), mjOBJ_BODY, "torso");
    EXPECT_NEAR(env.data().xpos[3 * torso + 2], env.data().qpos[1], 1e-12) << task.model_file;
    EXPECT_DOUBLE_EQ(env.model().qpos0[1], 1.25);
  }
  GymLocomotion cheetah(half_cheetah_task());
  double mass = 0.0;
  for (int b = 0; b < cheetah.model().nbody; ++b) mass += cheetah.model().body_mass[b];
  EXPECT_NEAR(mass, 14.0, 1e-9);
}

// HalfCheetah's resets draw qpos uniformly within ±0.1 but qvel from 0.1·N(0, 1): over many
// seeds the velocities have standard deviation ≈ 0.1 and some exceed 0.1 in magnitude,
// which uniform noise could not; the positions never do. Hopper's stay within ±0.005.
TEST(GymLocomotion, ResetNoiseFollowsGym) {
  GymLocomotion cheetah(half_cheetah_task());
  std::vector<double> observation(cheetah.observation_size());
  double sum_squares = 0.0, largest_velocity = 0.0;
  int count = 0;
  for (uint64_t seed = 0; seed < 300; ++seed) {
    cheetah.reset(seed, observation.data());
    for (int i = 0; i < cheetah.model().nq; ++i) {
      ASSERT_LE(std::abs(cheetah.data().qpos[i] - cheetah.model().qpos0[i]), 0.1);
    }
    for (int i = 0; i < cheetah.model().nv; ++i) {
      sum_squares += cheetah.data().qvel[i] * cheetah.data().qvel[i];
      largest_velocity = std::max(largest_velocity, std::abs(cheetah.data().qvel[i]));
      ++count;
    }
  }
  EXPECT_NEAR(std::sqrt(sum_squares / count), 0.1, 0.005);
  EXPECT_GT(largest_velocity, 0.2);
  GymLocomotion hopper(hopper_task());
  std::vector<double> hopper_observation(hopper.observation_size()), again(hopper.observation_size());
  hopper.reset(9, hopper_observation.data());
  for (int i = 0; i < hopper.model().nq; ++i) EXPECT_LE(std::abs(hopper.data().qpos[i] - hopper.model().qpos0[i]), 0.005);
  for (int i = 0; i < hopper.model().nv; ++i) EXPECT_LE(std::abs(hopper.data().qvel[i]), 0.005);
  hopper.reset(9, again.data());
  EXPECT_EQ(hopper_observation, again);
}

// The robots stand on the floor: contacts hold a resting HalfCheetah up (its torso stays
// well above the ground, which it would fall through without them).
TEST(GymLocomotion, TheFloorHoldsTheCheetahUp) {
  GymLocomotion cheetah(half_cheetah_task());
  std::vector<double> observation(17), action(6, 0.0);
  cheetah.reset(2, observation.data());
  for (int t = 0; t < 200; ++t) cheetah.step(action.data(), observation.data());
  EXPECT_GT(cheetah.data().ncon, 0);
  const int torso = mj_name2id(&cheetah.model(), mjOBJ_BODY, "torso");
  EXPECT_GT(cheetah.data().xpos[3 * torso + 2], 0.3);
  EXPECT_LT(std::abs(cheetah.data().qvel[0]), 0.5);
}

TEST(GymLocomotion, AMissingModelFileIsAnInputErrorNamingIt) {
  LocomotionTask task = hopper_task();
  task.model_file = "mujoco/no_such_robot.xml";
  try {
    GymLocomotion env(task);
    FAIL() << "no error";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("mujoco/no_such_robot.xml: not found"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace diffctl
